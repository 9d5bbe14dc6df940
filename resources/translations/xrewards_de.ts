<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>CustomerView</name>
    <message>
        <source>Customer number</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Kontostand</translation>
    </message>
    <message>
        <source>Credited</source>
        <translation>Gutgeschrieben am</translation>
    </message>
    <message>
        <source>Usable until</source>
        <translation>Gültig bis</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>Verbleibend</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Explain the balance</source>
        <translation>Kontostand erklären</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Ledger history</source>
        <translation>Kontoverlauf</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Organisation and billing account</source>
        <translation>Organisation und Rechnungskonto</translation>
    </message>
    <message>
        <source>Tier and balance</source>
        <translation>Status-Stufe und Kontostand</translation>
    </message>
    <message>
        <source>Discount code</source>
        <translation>Rabatt-Code</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Empfehlungen</translation>
    </message>
    <message>
        <source>Lots (points by usable-until date)</source>
        <translation>Gutschriftposten (X-Points nach „gültig bis“)</translation>
    </message>
    <message>
        <source>Claims</source>
        <translation>Ansprüche auf Wertersatz</translation>
    </message>
    <message>
        <source>Balance over time</source>
        <translation>Kontostand im Zeitverlauf</translation>
    </message>
    <message>
        <source>Bronze</source>
        <translation>Bronze</translation>
    </message>
    <message>
        <source>Silver</source>
        <translation>Silber</translation>
    </message>
    <message>
        <source>Gold</source>
        <translation>Gold</translation>
    </message>
    <message>
        <source>order</source>
        <translation>Bestellung</translation>
    </message>
    <message>
        <source>referral</source>
        <translation>Empfehlung</translation>
    </message>
    <message>
        <source>transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <source>adjustment</source>
        <translation>Korrektur</translation>
    </message>
    <message>
        <source>objection</source>
        <translation>Einwendung</translation>
    </message>
    <message>
        <source>abuse case</source>
        <translation>Missbrauchsfall</translation>
    </message>
    <message>
        <source>void</source>
        <translation>nichtig</translation>
    </message>
    <message>
        <source>used on order %1</source>
        <translation>eingelöst bei Bestellung %1</translation>
    </message>
    <message>
        <source>not usable: %1</source>
        <translation>nicht einlösbar: %1</translation>
    </message>
    <message>
        <source>usable</source>
        <translation>einlösbar</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>invoiced</source>
        <translation>in Rechnung gestellt</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>bezahlt</translation>
    </message>
    <message>
        <source>written off</source>
        <translation>abgeschrieben</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <source>terminated</source>
        <translation>gekündigt</translation>
    </message>
    <message>
        <source>terminated for cause</source>
        <translation>aus wichtigem Grund gekündigt</translation>
    </message>
    <message>
        <source>No customer %1 in the local store.</source>
        <translation>Kein Kunde %1 im lokalen Datenbestand.</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registriert am</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Billing account</source>
        <translation>Rechnungskonto</translation>
    </message>
    <message>
        <source>Has referred</source>
        <translation>Hat empfohlen</translation>
    </message>
    <message>
        <source>%1 more spend to %2</source>
        <translation>noch %1 Gesamtumsatz bis %2</translation>
    </message>
    <message>
        <source>highest tier</source>
        <translation>höchste Status-Stufe</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Status-Stufe</translation>
    </message>
    <message>
        <source>%1 (%2 points per euro)</source>
        <translation>%1 (%2 X-Points je Euro)</translation>
    </message>
    <message>
        <source>Spend</source>
        <translation>Gesamtumsatz</translation>
    </message>
    <message>
        <source>Next tier</source>
        <translation>Nächste Status-Stufe</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 X-Points</translation>
    </message>
    <message>
        <source>Debt</source>
        <translation>Minussaldo</translation>
    </message>
    <message>
        <source>Expiring within 30 days</source>
        <translation>Verfällt innerhalb von 30 Tagen</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Gültig bis</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Where the balance comes from and what expires next, ready to paste (Ctrl+E)</source>
        <translation>Woher der Kontostand kommt und was als Nächstes verfällt, zum Einfügen in eine Antwort (Strg+E)</translation>
    </message>
    <message>
        <source>Colleagues on the billing account</source>
        <translation>Kollegen auf dem Rechnungskonto</translation>
    </message>
    <message>
        <source>(void)</source>
        <translation>(nichtig)</translation>
    </message>
    <message>
        <source>Referred by</source>
        <translation>Empfohlen von</translation>
    </message>
</context>
<context>
    <name>ExplainDialog</name>
    <message>
        <source>Explain the balance of %1</source>
        <translation>Kontostand erklären: %1</translation>
    </message>
    <message>
        <source>Each sentence names the ledger entries behind it: double-click one to see them in the ledger.</source>
        <translation>Jeder Satz nennt die Buchungen, auf denen er beruht: Doppelklicken Sie auf einen Satz, um sie im Kontoverlauf zu sehen.</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
    <message>
        <source>Language of the reply:</source>
        <translation>Sprache der Antwort:</translation>
    </message>
</context>
<context>
    <name>LedgerView</name>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Kontostand</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Mitteilung</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Bis:</translation>
    </message>
    <message>
        <source>Balance as of:</source>
        <translation>Kontostand am:</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>PDF statement…</source>
        <translation>Kontoauszug (PDF)…</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>Alle Arten</translation>
    </message>
    <message>
        <source>credit (order)</source>
        <translation>Gutschrift (Bestellung)</translation>
    </message>
    <message>
        <source>referral bonus</source>
        <translation>Gutschrift (Empfehlung)</translation>
    </message>
    <message>
        <source>redemption</source>
        <translation>Einlösung</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>Rückbuchung (Einlösung)</translation>
    </message>
    <message>
        <source>reversal</source>
        <translation>Stornierung der Gutschrift</translation>
    </message>
    <message>
        <source>expiry</source>
        <translation>Verfall</translation>
    </message>
    <message>
        <source>transfer out</source>
        <translation>Übertragung (ausgehend)</translation>
    </message>
    <message>
        <source>transfer in</source>
        <translation>Übertragung (eingehend)</translation>
    </message>
    <message>
        <source>void</source>
        <translation>nichtig (Missbrauchsprüfung)</translation>
    </message>
    <message>
        <source>adjustment</source>
        <translation>Korrektur</translation>
    </message>
    <message>
        <source>forfeit</source>
        <translation>verfallen bei Kündigung</translation>
    </message>
    <message>
        <source>order</source>
        <translation>Bestellung</translation>
    </message>
    <message>
        <source>referral</source>
        <translation>Empfehlung</translation>
    </message>
    <message>
        <source>transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <source>objection</source>
        <translation>Einwendung</translation>
    </message>
    <message>
        <source>abuse case</source>
        <translation>Missbrauchsfall</translation>
    </message>
    <message>
        <source>closing</source>
        <translation>Kündigung</translation>
    </message>
    <message>
        <source>sent %1: %2 points, balance %3</source>
        <translation>versandt am %1: %2 X-Points, Kontostand %3</translation>
    </message>
    <message>
        <source>Entries: %1</source>
        <translation>Buchungen: %1</translation>
    </message>
    <message>
        <source>%1 points at the end of %2</source>
        <translation>%1 X-Points zum Tagesende am %2</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>usable until</source>
        <translation>gültig bis</translation>
    </message>
    <message>
        <source>Lots drawn from</source>
        <translation>Belastete Gutschriftposten</translation>
    </message>
    <message>
        <source>Credited to</source>
        <translation>Gutgeschrieben auf</translation>
    </message>
    <message>
        <source>%1 %2: its view comes with the case workflows.</source>
        <translation>%1 %2: die Ansicht dazu folgt mit der Vorgangsbearbeitung.</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <source>The export failed: %1</source>
        <translation>Der Export ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>PDF statement</source>
        <translation>Kontoauszug (PDF)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
        <source>No customer %1 in the local store.</source>
        <translation>Kein Kunde %1 im lokalen Datenbestand.</translation>
    </message>
    <message>
        <source>Statement written to %1</source>
        <translation>Kontoauszug gespeichert unter %1</translation>
    </message>
    <message>
        <source>The statement failed: %1</source>
        <translation>Der Kontoauszug konnte nicht erstellt werden: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>X-Points Desk</source>
        <translation>X-Points Desk</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Find a customer (Ctrl+F)</source>
        <translation>Kunden suchen (Strg+F)</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Refused commands</source>
        <translation>Abgelehnte Befehle</translation>
    </message>
    <message>
        <source>Demo role:</source>
        <translation>Demo-Rolle:</translation>
    </message>
    <message>
        <source>Support agent</source>
        <translation>Support</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>Compliance</translation>
    </message>
    <message>
        <source>Team lead</source>
        <translation>Teamleitung</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Shop-System</translation>
    </message>
    <message>
        <source>Signed in: %1 (%2)</source>
        <translation>Angemeldet: %1 (%2)</translation>
    </message>
</context>
<context>
    <name>RefusalsDialog</name>
    <message>
        <source>Refused commands</source>
        <translation>Abgelehnte Befehle</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>The server refused these commands; none of them was applied. Look at the reason, then act again if needed.</source>
        <translation>Der Server hat diese Befehle abgelehnt; keiner davon wurde ausgeführt. Prüfen Sie den Grund und wiederholen Sie die Aktion bei Bedarf.</translation>
    </message>
    <message>
        <source>No refused commands.</source>
        <translation>Keine abgelehnten Befehle.</translation>
    </message>
</context>
<context>
    <name>SearchView</name>
    <message>
        <source>Customer number</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Status-Stufe</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Kontostand</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Hinweise</translation>
    </message>
    <message>
        <source>Bronze</source>
        <translation>Bronze</translation>
    </message>
    <message>
        <source>Silver</source>
        <translation>Silber</translation>
    </message>
    <message>
        <source>Gold</source>
        <translation>Gold</translation>
    </message>
    <message>
        <source>open case</source>
        <translation>offener Vorgang</translation>
    </message>
    <message>
        <source>abuse review</source>
        <translation>Missbrauchsprüfung</translation>
    </message>
    <message>
        <source>debt</source>
        <translation>Minussaldo</translation>
    </message>
    <message>
        <source>%1 points expire within 30 days</source>
        <translation>%1 X-Points verfallen innerhalb von 30 Tagen</translation>
    </message>
    <message>
        <source>Search customers: number, name, e-mail, organisation, order number (Ctrl+F)</source>
        <translation>Kunden suchen: Nummer, Name, E-Mail, Organisation, Bestellnummer (Strg+F)</translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>Die Suche ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Type to search; Enter opens the customer.</source>
        <translation>Tippen Sie, um zu suchen; Enter öffnet den Kunden.</translation>
    </message>
    <message>
        <source>No customer found for “%1”.</source>
        <translation>Kein Kunde gefunden für „%1“.</translation>
    </message>
    <message>
        <source>Customers found: %1 (Enter opens the selected one)</source>
        <translation>Gefundene Kunden: %1 (Enter öffnet den ausgewählten)</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>API address</source>
        <extracomment>shown in the settings dialog (translated there, context &quot;Settings&quot;)</extracomment>
        <translation>API-Adresse</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>Wie im System</translation>
    </message>
    <message>
        <source>Sync in the background every (minutes)</source>
        <translation>Hintergrund-Synchronisierung alle (Minuten)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Welcome. Enter the address of the rewards API and your user name once; they are kept in your settings.</source>
        <translation>Willkommen. Geben Sie einmalig die Adresse der Bonusprogramm-API und Ihren Benutzernamen ein; beides wird in Ihren Einstellungen gespeichert.</translation>
    </message>
    <message>
        <source>The API address must start with http:// or https://.</source>
        <translation>Die API-Adresse muss mit http:// oder https:// beginnen.</translation>
    </message>
    <message>
        <source>Enter the API address and your user name.</source>
        <translation>Geben Sie die API-Adresse und Ihren Benutzernamen ein.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Geben Sie Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Anmeldung läuft…</translation>
    </message>
</context>
<context>
    <name>Starter</name>
    <message>
        <source>Starting the demo server… The first start builds the demo program (about a minute).</source>
        <translation>Der Demo-Server startet… Beim ersten Start wird das Demo-Programm erzeugt (etwa eine Minute).</translation>
    </message>
    <message>
        <source>Syncing the demo program…</source>
        <translation>Das Demo-Programm wird synchronisiert…</translation>
    </message>
    <message>
        <source>Syncing the demo program… %1 changes</source>
        <translation>Das Demo-Programm wird synchronisiert… %1 Änderungen</translation>
    </message>
    <message>
        <source>Opening the local store…</source>
        <translation>Der lokale Datenbestand wird geöffnet…</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Benutzername oder Passwort ist falsch.</translation>
    </message>
    <message>
        <source>The server cannot be reached: %1</source>
        <translation>Der Server ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>The application could not start: %1</source>
        <translation>Die Anwendung konnte nicht gestartet werden: %1</translation>
    </message>
</context>
<context>
    <name>SyncBar</name>
    <message>
        <source>Sync now</source>
        <translation>Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Send the outbox and fetch the server&apos;s changes (F5)</source>
        <translation>Postausgang senden und Änderungen vom Server holen (F5)</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Synchronisierung läuft…</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>Letzte Synchronisierung: %1</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Noch nicht synchronisiert</translation>
    </message>
    <message>
        <source>%1 changes</source>
        <translation>%1 Änderungen</translation>
    </message>
    <message>
        <source>Outbox: %1 waiting</source>
        <translation>Postausgang: %1 ausstehend</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>The server cannot be reached; your work waits in the outbox.</source>
        <extracomment>changes a page while the app syncs: decoding a page&apos;s JSON holds the interpreter lock, and pages of 1,000 held it up to about 55 ms, long enough to stall the window</extracomment>
        <translation>Der Server ist nicht erreichbar; Ihre Arbeit wartet im Postausgang.</translation>
    </message>
    <message>
        <source>The sign-in has expired; please sign in again.</source>
        <translation>Die Anmeldung ist abgelaufen; bitte melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The sync failed: %1</source>
        <translation>Die Synchronisierung ist fehlgeschlagen: %1</translation>
    </message>
</context>
</TS>
