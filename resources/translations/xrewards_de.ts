<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About X-Points Desk</source>
        <translation>Über X-Points Desk</translation>
    </message>
    <message>
        <source>X-Points Desk</source>
        <translation>X-Points Desk</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>The back-office desktop of the X-Points rewards program: balances, objections, transfers and abuse review.</source>
        <translation>Die Arbeitsoberfläche für den Kundenservice des X-Points-Prämienprogramms: Kontostände, Einwendungen, Übertragungen und Missbrauchsprüfung.</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>Bundled libraries</source>
        <translation>Mitgelieferte Bibliotheken</translation>
    </message>
    <message>
        <source>(the other libraries)</source>
        <translation>(die übrigen Bibliotheken)</translation>
    </message>
    <message>
        <source>not listed: this build carries no package metadata</source>
        <translation>nicht aufgeführt: dieser Build enthält keine Paket-Metadaten</translation>
    </message>
    <message>
        <source>see its files</source>
        <translation>siehe die Dateien der Bibliothek</translation>
    </message>
</context>
<context>
    <name>AbuseText</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Delivery addresses</source>
        <translation>Lieferadressen</translation>
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
        <source>Payment fingerprints</source>
        <translation>Zahlungsmerkmale</translation>
    </message>
    <message>
        <source>Sign-up IP</source>
        <translation>IP bei der Registrierung</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>First order</source>
        <translation>Erste Bestellung</translation>
    </message>
    <message>
        <source>same e-mail</source>
        <translation>gleiche E-Mail-Adresse</translation>
    </message>
    <message>
        <source>e-mail with a +tag</source>
        <translation>E-Mail-Adresse mit +Zusatz</translation>
    </message>
    <message>
        <source>e-mail with dots moved</source>
        <translation>E-Mail-Adresse mit versetzten Punkten</translation>
    </message>
    <message>
        <source>look-alike e-mail</source>
        <translation>zum Verwechseln ähnliche E-Mail-Adresse</translation>
    </message>
    <message>
        <source>same e-mail name at another domain</source>
        <translation>gleicher E-Mail-Name bei anderer Domain</translation>
    </message>
    <message>
        <source>same name</source>
        <translation>gleicher Name</translation>
    </message>
    <message>
        <source>same delivery address</source>
        <translation>gleiche Lieferadresse</translation>
    </message>
    <message>
        <source>same phone</source>
        <translation>gleiche Telefonnummer</translation>
    </message>
    <message>
        <source>one billing account, two organisations</source>
        <translation>ein Rechnungskonto, zwei Organisationen</translation>
    </message>
    <message>
        <source>same payment</source>
        <translation>gleiches Zahlungsmittel</translation>
    </message>
    <message>
        <source>same sign-up IP</source>
        <translation>gleiche IP-Adresse bei der Anmeldung</translation>
    </message>
    <message>
        <source>same device</source>
        <translation>gleiches Gerät</translation>
    </message>
    <message>
        <source>first order placed by the referrer</source>
        <translation>erste Bestellung vom Empfehlenden aufgegeben</translation>
    </message>
    <message>
        <source>first order paid by the referrer</source>
        <translation>erste Bestellung vom Empfehlenden bezahlt</translation>
    </message>
    <message>
        <source>case open</source>
        <translation>Fall offen</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation>eingestellt</translation>
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
</context>
<context>
    <name>AbuseView</name>
    <message>
        <source>Score</source>
        <extracomment>the confirm dialog shown last (tests and screenshots read it)</extracomment>
        <translation>Risikowert</translation>
    </message>
    <message>
        <source>Referrer</source>
        <translation>Empfehlende(r)</translation>
    </message>
    <message>
        <source>Invitee</source>
        <translation>Eingeladene(r)</translation>
    </message>
    <message>
        <source>Signals</source>
        <translation>Anzeichen</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Missbrauchsfall</translation>
    </message>
    <message>
        <source>Open abuse case</source>
        <translation>Missbrauchsfall eröffnen</translation>
    </message>
    <message>
        <source>Preview and confirm…</source>
        <translation>Vorschau und Bestätigung…</translation>
    </message>
    <message>
        <source>Dismiss…</source>
        <translation>Einstellen…</translation>
    </message>
    <message>
        <source>%1: placed by %2, paid by %3</source>
        <translation>%1: bestellt von %2, bezahlt von %3</translation>
    </message>
    <message>
        <source>Reported by agents</source>
        <translation>Vom Support gemeldet</translation>
    </message>
    <message>
        <source>Open a case first.</source>
        <translation>Eröffnen Sie zuerst einen Missbrauchsfall.</translation>
    </message>
    <message>
        <source>Queued; it is sent with this sync.</source>
        <translation>Vorgemerkt; wird mit dieser Synchronisierung gesendet.</translation>
    </message>
    <message>
        <source>Dismiss the abuse case</source>
        <translation>Missbrauchsfall einstellen</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Working out the engine&apos;s preview…</source>
        <translation>Die Vorschau des Regelwerks wird berechnet…</translation>
    </message>
    <message>
        <source>The preview could not be worked out: %1</source>
        <translation>Die Vorschau konnte nicht berechnet werden: %1</translation>
    </message>
</context>
<context>
    <name>ApprovalsView</name>
    <message>
        <source>Request</source>
        <translation>Antrag</translation>
    </message>
    <message>
        <source>Asked</source>
        <translation>Beantragt am</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>goodwill</source>
        <translation>Kulanz</translation>
    </message>
    <message>
        <source>sum %1 points (R26)</source>
        <translation>Summe %1 X-Points (R26)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Genehmigen</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Ablehnen…</translation>
    </message>
    <message>
        <source>Nothing waits for approval.</source>
        <translation>Keine Anträge warten auf Genehmigung.</translation>
    </message>
    <message>
        <source>Goodwill: every goodwill adjustment needs a team lead other than the person who asked for it (R26).</source>
        <translation>Kulanz: Jede Kulanzkorrektur braucht die Freigabe einer anderen Teamleitung als der Person, die sie beantragt hat (R26).</translation>
    </message>
    <message numerus="yes">
        <source>R26: adjustments made without approval in the 720 hours before it: %n, together %1 points; with this one %2 points, more than %3.</source>
        <translation>
            <numerusform>R26: Korrekturen ohne Freigabe in den 720 Stunden davor: %n, zusammen %1 X-Points; mit dieser %2 X-Points, mehr als %3.</numerusform>
            <numerusform>R26: Korrekturen ohne Freigabe in den 720 Stunden davor: %n, zusammen %1 X-Points; mit dieser %2 X-Points, mehr als %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>Adjustment of %1 points for %2</source>
        <translation>Korrektur um %1 X-Points für %2</translation>
    </message>
    <message>
        <source>Asked by %1 on %2: %3</source>
        <translation>Beantragt von %1 am %2: %3</translation>
    </message>
    <message>
        <source>Objection %1</source>
        <translation>Einwendung %1</translation>
    </message>
    <message>
        <source>to notice %1 (%2) of %3, which stated %4 points and a balance of %5</source>
        <translation>gegen Mitteilung %1 (%2) vom %3 über %4 X-Points und einen Kontostand von %5</translation>
    </message>
    <message>
        <source>The mail</source>
        <translation>Die E-Mail</translation>
    </message>
    <message>
        <source>sender unknown</source>
        <translation>Absender unbekannt</translation>
    </message>
    <message>
        <source>Reject the adjustment</source>
        <translation>Korrektur ablehnen</translation>
    </message>
    <message>
        <source>Queued; it is sent with this sync.</source>
        <translation>Vorgemerkt; wird mit dieser Synchronisierung gesendet.</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>#</source>
        <extracomment>records a page (the view asks for the next page with &quot;Load more&quot;) the key of the log&apos;s pages on the network lane: a reload supersedes the page still asked for, whose answer is then never delivered the last page&apos;s cursor, and whether the server has more after it what the status line says instead of the count (loading, offline, refused) the last verification&apos;s answer, None before the first what the server said of the signed head this desktop remembers (None: not asked yet this session), and whether it is being asked user name -&gt; display name, from the local store&apos;s staff</extracomment>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Betrifft</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Vorgang</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>Alle Personen</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Alle Aktionen</translation>
    </message>
    <message>
        <source>Customer number, e.g. XR-1002836</source>
        <translation>Kundennummer, z. B. XR-1002836</translation>
    </message>
    <message>
        <source>Person:</source>
        <translation>Person:</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>Aktion:</translation>
    </message>
    <message>
        <source>Customer:</source>
        <translation>Kunde:</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>Weitere laden</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Kette prüfen</translation>
    </message>
    <message>
        <source>The server checks that each record&apos;s hash covers the one before it, from the first record on</source>
        <translation>Der Server prüft vom ersten Eintrag an, dass der Hash jedes Eintrags den vorhergehenden einschließt</translation>
    </message>
    <message>
        <source>The audit log is for team leads and compliance (R27).</source>
        <translation>Das Audit-Protokoll ist der Teamleitung und Compliance vorbehalten (R27).</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>ausgeführt</translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation>abgelehnt: %1</translation>
    </message>
    <message>
        <source>Reading the audit log from the server…</source>
        <translation>Das Audit-Protokoll wird vom Server gelesen…</translation>
    </message>
    <message>
        <source>The audit log is kept on the server, which cannot be reached now (offline). Try again when the connection is back.</source>
        <translation>Das Audit-Protokoll liegt auf dem Server, der zurzeit nicht erreichbar ist (offline). Versuchen Sie es erneut, sobald die Verbindung wieder besteht.</translation>
    </message>
    <message>
        <source>The server no longer accepts this sign-in; sign in again to read the audit log.</source>
        <translation>Der Server akzeptiert diese Anmeldung nicht mehr; melden Sie sich erneut an, um das Audit-Protokoll zu lesen.</translation>
    </message>
    <message>
        <source>The server refused: %1</source>
        <translation>Der Server hat abgelehnt: %1</translation>
    </message>
    <message>
        <source>Reading the audit log failed: %1</source>
        <translation>Das Audit-Protokoll konnte nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%Ln record(s) shown; more with “Load more”</source>
        <translation>
            <numerusform>%Ln Eintrag angezeigt; weitere mit „Weitere laden“</numerusform>
            <numerusform>%Ln Einträge angezeigt; weitere mit „Weitere laden“</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln record(s)</source>
        <translation>
            <numerusform>%Ln Eintrag</numerusform>
            <numerusform>%Ln Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Chain intact: %Ln record(s) checked.</source>
        <translation>
            <numerusform>Kette intakt: %Ln Eintrag geprüft.</numerusform>
            <numerusform>Kette intakt: %Ln Einträge geprüft.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The break shows at %1; the %Ln record(s) before it hold.</source>
        <translation>
            <numerusform>Die Kette bricht am %1; der %Ln Eintrag davor ist intakt.</numerusform>
            <numerusform>Die Kette bricht am %1; die %Ln Einträge davor sind intakt.</numerusform>
        </translation>
    </message>
    <message>
        <source>cut off after a checkpoint</source>
        <translation>nach einem Prüfpunkt abgeschnitten</translation>
    </message>
    <message>
        <source>checkpoint&apos;s signature does not hold</source>
        <translation>Signatur des Prüfpunkts ungültig</translation>
    </message>
    <message>
        <source>checkpoint signed by an unknown key</source>
        <translation>Prüfpunkt mit unbekanntem Schlüssel signiert</translation>
    </message>
    <message>
        <source>checkpoint missing</source>
        <translation>Prüfpunkt fehlt</translation>
    </message>
    <message>
        <source>Warning: the server&apos;s audit log no longer contains record %1 as this desktop saw it signed (%2): records were deleted since.</source>
        <translation>Warnung: Das Audit-Protokoll des Servers enthält Eintrag %1 nicht mehr so, wie dieser Arbeitsplatz ihn signiert gesehen hat (%2): Seitdem wurden Einträge gelöscht.</translation>
    </message>
    <message>
        <source>Warning: the server&apos;s audit log no longer contains record %1 as this desktop saw it signed (%2): records were rewritten since.</source>
        <translation>Warnung: Das Audit-Protokoll des Servers enthält Eintrag %1 nicht mehr so, wie dieser Arbeitsplatz ihn signiert gesehen hat (%2): Seitdem wurden Einträge umgeschrieben.</translation>
    </message>
    <message>
        <source>Tell the administrator and keep this desktop&apos;s store as evidence.</source>
        <translation>Bitte die Administration informieren und den lokalen Datenbestand dieses Arbeitsplatzes als Beweis aufbewahren.</translation>
    </message>
    <message>
        <source>Warning: the server&apos;s newest signed checkpoint (%1) is older than the one this desktop saw (%2, record %3, %4): checkpoints were deleted.</source>
        <translation>Warnung: Der neueste signierte Prüfpunkt des Servers (%1) ist älter als der, den dieser Arbeitsplatz gesehen hat (%2, Eintrag %3, %4): Prüfpunkte wurden gelöscht.</translation>
    </message>
    <message>
        <source>Warning: the server&apos;s newest audit checkpoint is not signed by the key this desktop knows (%1): it was forged or altered.</source>
        <translation>Warnung: Der neueste Prüfpunkt des Audit-Protokolls ist nicht mit dem Schlüssel signiert, den dieser Arbeitsplatz kennt (%1): Er wurde gefälscht oder verändert.</translation>
    </message>
    <message>
        <source>Warning: the server now signs its audit log with another key (%1; this desktop knows %2). Unless the key was replaced on purpose, the log may have been signed anew.</source>
        <translation>Warnung: Der Server signiert sein Audit-Protokoll jetzt mit einem anderen Schlüssel (%1; dieser Arbeitsplatz kennt %2). Wurde der Schlüssel nicht absichtlich ersetzt, kann das Protokoll neu signiert worden sein.</translation>
    </message>
    <message>
        <source>The server has not signed its audit log yet.</source>
        <translation>Der Server hat sein Audit-Protokoll noch nicht signiert.</translation>
    </message>
    <message>
        <source>Signed head: record %1 (%2), key %3; this desktop remembers it and warns if the server&apos;s log no longer contains it.</source>
        <translation>Signierter Stand: Eintrag %1 (%2), Schlüssel %3; dieser Arbeitsplatz merkt ihn sich und warnt, wenn das Protokoll des Servers ihn nicht mehr enthält.</translation>
    </message>
    <message>
        <source>Signed head: record %1 (%2), key %3; the server&apos;s log still contains what this desktop saw before.</source>
        <translation>Signierter Stand: Eintrag %1 (%2), Schlüssel %3; das Protokoll des Servers enthält weiterhin, was dieser Arbeitsplatz zuvor gesehen hat.</translation>
    </message>
    <message>
        <source>Record #%1, %2 by %3: %4</source>
        <translation>Eintrag #%1, am %2 von %3: %4</translation>
    </message>
    <message>
        <source>Hash: %1</source>
        <translation>Hash: %1</translation>
    </message>
    <message>
        <source>The server is checking the chain…</source>
        <translation>Der Server prüft die Kette…</translation>
    </message>
    <message numerus="yes">
        <source>Every break (%Ln): </source>
        <translation>
            <numerusform>Der Bruch (%Ln): </numerusform>
            <numerusform>Alle Brüche (%Ln): </numerusform>
        </translation>
    </message>
    <message>
        <source>edited</source>
        <translation>verändert</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlend</translation>
    </message>
    <message>
        <source>First broken record: #%1 (%2).</source>
        <translation>Erster fehlerhafter Eintrag: #%1 (%2).</translation>
    </message>
</context>
<context>
    <name>CaseText</name>
    <message>
        <source>In time: received %1, the deadline is %2 (R25)</source>
        <translation>Fristgerecht: eingegangen am %1, die Frist endet am %2 (R25)</translation>
    </message>
    <message>
        <source>Late: received %1, the deadline was %2 (R25)</source>
        <translation>Verspätet: eingegangen am %1, die Frist endete am %2 (R25)</translation>
    </message>
    <message>
        <source>credit</source>
        <translation>Gutschrift</translation>
    </message>
    <message>
        <source>expiry</source>
        <translation>Verfall</translation>
    </message>
    <message>
        <source>reversal</source>
        <translation>Stornierung der Gutschrift</translation>
    </message>
    <message>
        <source>void</source>
        <translation>nichtig</translation>
    </message>
    <message>
        <source>transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <source>forfeit</source>
        <translation>Verfall bei Kündigung</translation>
    </message>
    <message>
        <source>new</source>
        <translation>neu</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>in Bearbeitung</translation>
    </message>
    <message>
        <source>waiting for customer</source>
        <translation>wartet auf Kunden</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 Min.</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 Std.</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 Tg.</translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message>
        <source>When</source>
        <extracomment>each decision&apos;s button, by the command it sends and the objection&apos;s state it leads to (R25, R27: who may send it and which step may follow which are the domain&apos;s) the macro dialog last opened (window-modal, not blocking) answers shown (the first load, and each refresh&apos;s)</extracomment>
        <translation>Wann</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Objection</source>
        <translation>Einwendung</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>notice</source>
        <translation>Mitteilung</translation>
    </message>
    <message>
        <source>changed terms</source>
        <translation>geänderte Teilnahmebedingungen</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Mitteilung</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Eingegangen</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Frist</translation>
    </message>
    <message>
        <source>In time</source>
        <translation>Fristgerecht</translation>
    </message>
    <message>
        <source>in time</source>
        <translation>fristgerecht</translation>
    </message>
    <message>
        <source>late</source>
        <translation>verspätet</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Setzen</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Mir zuweisen</translation>
    </message>
    <message>
        <source>Customer:</source>
        <translation>Kunde:</translation>
    </message>
    <message>
        <source>customer number</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Verknüpfen</translation>
    </message>
    <message>
        <source>Objection to a notice…</source>
        <translation>Einwendung gegen eine Mitteilung…</translation>
    </message>
    <message>
        <source>Objection to changed terms…</source>
        <translation>Widerspruch gegen geänderte Teilnahmebedingungen…</translation>
    </message>
    <message>
        <source>Reply…</source>
        <translation>Antworten…</translation>
    </message>
    <message>
        <source>Close account (opt-out)…</source>
        <translation>X-Konto schließen (Opt-out)…</translation>
    </message>
    <message>
        <source>Report suspected abuse…</source>
        <translation>Missbrauchsverdacht melden…</translation>
    </message>
    <message>
        <source>Transfer points…</source>
        <translation>X-Points übertragen…</translation>
    </message>
    <message>
        <source>Uphold…</source>
        <translation>Stattgeben…</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Ablehnen…</translation>
    </message>
    <message>
        <source>Answer as late…</source>
        <translation>Als verspätet beantworten…</translation>
    </message>
    <message>
        <source>Goodwill…</source>
        <translation>Kulanz…</translation>
    </message>
    <message>
        <source>Objections in this case</source>
        <translation>Einwendungen in diesem Vorgang</translation>
    </message>
    <message>
        <source>Internal note (Ctrl+Enter adds it)</source>
        <translation>Interne Notiz (Strg+Eingabe fügt sie hinzu)</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Notiz hinzufügen</translation>
    </message>
    <message>
        <source>Withdraw (not sent yet)</source>
        <translation>Zurückziehen (noch nicht gesendet)</translation>
    </message>
    <message>
        <source>It was sent</source>
        <translation>Sie wurde gesendet</translation>
    </message>
    <message>
        <source>Send it again</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>mail received</source>
        <translation>E-Mail eingegangen</translation>
    </message>
    <message>
        <source>phone call (typed in)</source>
        <translation>Anruf (von Hand erfasst)</translation>
    </message>
    <message>
        <source>letter (typed in)</source>
        <translation>Brief (von Hand erfasst)</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>waiting to be sent</source>
        <translation>wartet auf Versand</translation>
    </message>
    <message>
        <source>reply sent</source>
        <translation>Antwort gesendet</translation>
    </message>
    <message>
        <source>note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>transfer request</source>
        <translation>Übertragungsantrag</translation>
    </message>
    <message>
        <source>objection recorded</source>
        <translation>Einwendung erfasst</translation>
    </message>
    <message>
        <source>decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>adjustment</source>
        <translation>Korrektur</translation>
    </message>
    <message>
        <source>to notice %1 (deadline %2)</source>
        <translation>gegen Mitteilung %1 (Frist %2)</translation>
    </message>
    <message>
        <source>to changed terms</source>
        <translation>gegen geänderte Teilnahmebedingungen</translation>
    </message>
    <message numerus="yes">
        <source>%1 point(s) from %2 to %3, %4</source>
        <translation>
            <numerusform>%1 X-Point von %2 an %3, %4</numerusform>
            <numerusform>%1 X-Points von %2 an %3, %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 point(s), %2</source>
        <translation>
            <numerusform>%1 X-Point, %2</numerusform>
            <numerusform>%1 X-Points, %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Adjustment of %1 point(s) (%2), asked by %3; %4</source>
        <translation>
            <numerusform>Korrektur um %1 X-Point (%2), beantragt von %3; %4</numerusform>
            <numerusform>Korrektur um %1 X-Points (%2), beantragt von %3; %4</numerusform>
        </translation>
    </message>
    <message>
        <source>assignment</source>
        <translation>Zuweisung</translation>
    </message>
    <message>
        <source>Macros…</source>
        <translation>Textbausteine…</translation>
    </message>
    <message>
        <source>Set receipt time…</source>
        <translation>Eingangszeitpunkt setzen…</translation>
    </message>
    <message>
        <source>reply queued</source>
        <translation>Antwort in der Warteschlange</translation>
    </message>
    <message>
        <source>reply being sent</source>
        <translation>Antwort wird gesendet</translation>
    </message>
    <message>
        <source>reply refused</source>
        <translation>Antwort abgelehnt</translation>
    </message>
    <message>
        <source>reply may have been sent</source>
        <translation>Antwort möglicherweise gesendet</translation>
    </message>
    <message>
        <source>status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>customer link</source>
        <translation>Kundenverknüpfung</translation>
    </message>
    <message>
        <source>reply</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>reply to send</source>
        <translation>zu sendende Antwort</translation>
    </message>
    <message>
        <source>objection</source>
        <translation>Einwendung</translation>
    </message>
    <message>
        <source>objection to changed terms</source>
        <translation>Widerspruch gegen geänderte Teilnahmebedingungen</translation>
    </message>
    <message>
        <source>closing the account</source>
        <translation>Schließung des X-Kontos</translation>
    </message>
    <message>
        <source>uphold</source>
        <translation>stattgeben</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>ablehnen</translation>
    </message>
    <message>
        <source>answer as late</source>
        <translation>als verspätet beantworten</translation>
    </message>
    <message>
        <source>goodwill</source>
        <translation>Kulanz</translation>
    </message>
    <message>
        <source>approve the transfer</source>
        <translation>Übertragung genehmigen</translation>
    </message>
    <message>
        <source>reject the transfer</source>
        <translation>Übertragung ablehnen</translation>
    </message>
    <message>
        <source>waits for a team lead</source>
        <translation>wartet auf die Teamleitung</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>genehmigt</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>zurückgezogen</translation>
    </message>
    <message>
        <source>waits for a team lead (R26)</source>
        <translation>wartet auf die Teamleitung (R26)</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>upheld</source>
        <translation>stattgegeben</translation>
    </message>
    <message>
        <source>answered as late</source>
        <translation>als verspätet beantwortet</translation>
    </message>
    <message>
        <source>goodwill granted</source>
        <translation>Kulanz gewährt</translation>
    </message>
    <message>
        <source>Case %1 is not in the local store (yet).</source>
        <translation>Vorgang %1 ist (noch) nicht im lokalen Datenbestand.</translation>
    </message>
    <message>
        <source>Case %1</source>
        <translation>Vorgang %1</translation>
    </message>
    <message>
        <source>not linked to a customer</source>
        <translation>mit keinem Kunden verknüpft</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>niemanden</translation>
    </message>
    <message>
        <source>%1 · customer %2 · assigned to %3 · opened %4</source>
        <translation>%1 · Kunde %2 · zugewiesen an %3 · eröffnet am %4</translation>
    </message>
    <message>
        <source>A reply, a decision and a status in one step, shown before anything happens (Ctrl+Shift+M)</source>
        <translation>Antwort, Entscheidung und Status in einem Schritt, vorher angezeigt (Strg+Umschalt+M)</translation>
    </message>
    <message>
        <source>Link the case to a customer first.</source>
        <translation>Verknüpfen Sie den Vorgang zuerst mit einem Kunden.</translation>
    </message>
    <message>
        <source>The account is no longer active.</source>
        <translation>Das X-Konto ist nicht mehr aktiv.</translation>
    </message>
    <message>
        <source>Recorded as sent.</source>
        <translation>Als gesendet erfasst.</translation>
    </message>
    <message>
        <source>The reply is queued to be sent again.</source>
        <translation>Die Antwort wird erneut gesendet.</translation>
    </message>
    <message>
        <source>Withdrawn.</source>
        <translation>Zurückgezogen.</translation>
    </message>
    <message>
        <source>It may have reached the server already; it cannot be withdrawn.</source>
        <translation>Der Befehl hat den Server möglicherweise schon erreicht; er kann nicht mehr zurückgezogen werden.</translation>
    </message>
    <message numerus="yes">
        <source>(%n temporary refusal(s))</source>
        <translation>
            <numerusform>(%n vorübergehende Ablehnung)</numerusform>
            <numerusform>(%n vorübergehende Ablehnungen)</numerusform>
        </translation>
    </message>
    <message>
        <source>sent at %1</source>
        <translation>gesendet am %1</translation>
    </message>
    <message>
        <source>queued: the mail gateway sends it</source>
        <translation>in der Warteschlange: die Postfach-Anbindung sendet sie</translation>
    </message>
    <message>
        <source>being sent since %1</source>
        <translation>wird seit %1 gesendet</translation>
    </message>
    <message>
        <source>refused by the mail server</source>
        <translation>vom Mailserver abgelehnt</translation>
    </message>
    <message>
        <source>may have been sent: the mail gateway lost track of it while sending; say whether it reached the customer</source>
        <translation>möglicherweise gesendet: die Postfach-Anbindung hat sie beim Senden aus den Augen verloren; bitte angeben, ob sie den Kunden erreicht hat</translation>
    </message>
    <message>
        <source>typed in by hand (%1); the receipt time was entered by staff</source>
        <translation>von Hand erfasst (%1); der Eingangszeitpunkt wurde von Mitarbeitenden eingegeben</translation>
    </message>
    <message>
        <source>unknown: the mail holds no readable Received: or Date: header; set it with “Set receipt time…”</source>
        <translation>unbekannt: die Mail hat keine lesbare Received:- oder Date:-Kopfzeile; mit „Eingangszeitpunkt setzen…“ erfassen</translation>
    </message>
    <message>
        <source>typed in by hand: the mail held no readable date</source>
        <translation>von Hand erfasst: die Mail hatte kein lesbares Datum</translation>
    </message>
    <message>
        <source>from our mailbox&apos;s date of arrival: the mail had neither a Received: nor a Date: header</source>
        <translation>aus dem Eingangsdatum unseres Postfachs: die Mail hatte weder eine Received:- noch eine Date:-Kopfzeile</translation>
    </message>
    <message>
        <source>from the sender&apos;s Date: header: the mail had no Received: header of our mailbox</source>
        <translation>aus dem Date:-Header des Absenders: die E-Mail hatte keinen Received:-Header unseres Postfachs</translation>
    </message>
    <message>
        <source>from our mailbox&apos;s Received: header</source>
        <translation>aus dem Received:-Header unseres Postfachs</translation>
    </message>
    <message>
        <source>sender unknown: the mail names no address; link the case to a customer by hand</source>
        <translation>Absender unbekannt: die Mail nennt keine Adresse; den Vorgang von Hand einem Kunden zuordnen</translation>
    </message>
    <message>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Sent by</source>
        <translation>Gesendet von</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Message-ID</source>
        <translation>Message-ID</translation>
    </message>
    <message>
        <source>Attachments (evidence)</source>
        <translation>Anhänge (Nachweise)</translation>
    </message>
    <message>
        <source>Notice %1 (%2) sent %3: %4 points, balance %5</source>
        <translation>Mitteilung %1 (%2), versandt am %3: %4 X-Points, Kontostand %5</translation>
    </message>
    <message>
        <source>Objection to changed terms, received %1</source>
        <translation>Widerspruch gegen geänderte Teilnahmebedingungen, eingegangen am %1</translation>
    </message>
    <message>
        <source>State: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>refused by the server</source>
        <translation>vom Server abgelehnt</translation>
    </message>
    <message>
        <source>waits in the outbox; it is sent with the next sync</source>
        <translation>wartet im Postausgang; wird mit der nächsten Synchronisierung gesendet</translation>
    </message>
    <message>
        <source>correction</source>
        <translation>Berichtigung</translation>
    </message>
    <message>
        <source>Decided: %1</source>
        <translation>Entschieden: %1</translation>
    </message>
    <message>
        <source>An adjustment for it waits for a team lead (R26).</source>
        <translation>Eine Korrektur dazu wartet auf die Teamleitung (R26).</translation>
    </message>
    <message>
        <source>In time (deadline %1): uphold or reject it.</source>
        <translation>Fristgerecht (Frist %1): stattgeben oder ablehnen.</translation>
    </message>
    <message>
        <source>Late: the deadline was %1 (R25). Answer it as late, or ask for goodwill.</source>
        <translation>Verspätet: die Frist endete am %1 (R25). Als verspätet beantworten oder Kulanz beantragen.</translation>
    </message>
    <message>
        <source>Queued; it is sent with this sync and shown here when the server has it.</source>
        <translation>Vorgemerkt; der Befehl wird mit dieser Synchronisierung gesendet und hier angezeigt, sobald ihn der Server hat.</translation>
    </message>
    <message>
        <source>Enter a customer number, or pick a suggestion.</source>
        <translation>Geben Sie eine Kundennummer ein oder wählen Sie einen Vorschlag.</translation>
    </message>
    <message>
        <source>Report suspected abuse</source>
        <translation>Missbrauchsverdacht melden</translation>
    </message>
    <message>
        <source>What makes you suspect a self-referral</source>
        <translation>Was auf eine Selbstempfehlung hindeutet</translation>
    </message>
    <message>
        <source>When a mail of this case was received is unknown (it holds no readable Received: or Date: header). Set its receipt time before an objection in this case is recorded or decided: R25 counts from it.</source>
        <translation>Wann eine Mail dieses Vorgangs eingegangen ist, ist unbekannt (sie hat keine lesbare Received:- oder Date:-Kopfzeile). Setzen Sie ihren Eingangszeitpunkt, bevor eine Einwendung in diesem Vorgang erfasst oder entschieden wird: R25 rechnet ab ihm.</translation>
    </message>
</context>
<context>
    <name>CasesView</name>
    <message>
        <source>Case</source>
        <extracomment>answers shown (each reload&apos;s rows) each shown case&apos;s service deadlines, by case id (made with the rows) the outcome of the last action on the chosen cases</extracomment>
        <translation>Vorgang</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>not linked</source>
        <translation>nicht verknüpft</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Absender</translation>
    </message>
    <message>
        <source>sender unknown</source>
        <translation>Absender unbekannt</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Zugewiesen an</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Last mail</source>
        <translation>Letzte E-Mail</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>Offene Vorgänge</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Fällig</translation>
    </message>
    <message>
        <source>Objection deadline</source>
        <translation>Einwendungsfrist</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>Waiting for customer</source>
        <translation>Wartet auf Kunden</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>All cases</source>
        <translation>Alle Vorgänge</translation>
    </message>
    <message>
        <source>Newest activity first</source>
        <translation>Neueste Aktivität zuerst</translation>
    </message>
    <message>
        <source>Most urgent first</source>
        <translation>Dringendste zuerst</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Order:</source>
        <translation>Reihenfolge:</translation>
    </message>
    <message>
        <source>Most urgent first: overdue cases, then by the next deadline; cases that owe nothing last</source>
        <translation>Dringendste zuerst: überfällige Vorgänge, dann nach der nächsten Frist; Vorgänge, bei denen nichts mehr fällig ist, zuletzt</translation>
    </message>
    <message>
        <source>Mine only</source>
        <translation>Nur meine</translation>
    </message>
    <message>
        <source>Search cases: sender, subject, customer, text</source>
        <translation>Vorgänge suchen: Absender, Betreff, Kunde, Text</translation>
    </message>
    <message>
        <source>Import e-mails…</source>
        <translation>E-Mails importieren…</translation>
    </message>
    <message>
        <source>Import .eml files (or drop them here); the receipt time comes from the mail</source>
        <translation>.eml-Dateien importieren (oder hierher ziehen); der Eingangszeitpunkt stammt aus der E-Mail</translation>
    </message>
    <message>
        <source>New case (phone or letter)…</source>
        <translation>Neuer Vorgang (Anruf oder Brief)…</translation>
    </message>
    <message>
        <source>View:</source>
        <translation>Ansicht:</translation>
    </message>
    <message>
        <source>Name of a view</source>
        <translation>Name einer Ansicht</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>Ansicht speichern</translation>
    </message>
    <message>
        <source>Keep the filters and the order under the name in the box (yours only)</source>
        <translation>Filter und Reihenfolge unter dem Namen im Feld speichern (nur für Sie)</translation>
    </message>
    <message>
        <source>Delete view</source>
        <translation>Ansicht löschen</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Mir zuweisen</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Zuweisen</translation>
    </message>
    <message>
        <source>Set status</source>
        <translation>Status setzen</translation>
    </message>
    <message>
        <source>Customer number</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Verknüpfen</translation>
    </message>
    <message>
        <source>Reply overdue (%1)</source>
        <translation>Antwort überfällig (%1)</translation>
    </message>
    <message>
        <source>Resolution overdue (%1)</source>
        <translation>Erledigung überfällig (%1)</translation>
    </message>
    <message>
        <source>Nothing to change: the chosen cases are as asked already.</source>
        <translation>Nichts zu ändern: Die ausgewählten Vorgänge sind bereits so.</translation>
    </message>
    <message numerus="yes">
        <source>%n case(s) already were and stay as they are.</source>
        <translation>
            <numerusform>%n Vorgang war bereits so und bleibt unverändert.</numerusform>
            <numerusform>%n Vorgänge waren bereits so und bleiben unverändert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Reply today</source>
        <translation>Antwort heute</translation>
    </message>
    <message>
        <source>Resolve today</source>
        <translation>Erledigung heute</translation>
    </message>
    <message>
        <source>Reply by %1</source>
        <translation>Antwort bis %1</translation>
    </message>
    <message>
        <source>Resolve by %1</source>
        <translation>Erledigung bis %1</translation>
    </message>
    <message numerus="yes">
        <source>First reply: by the end of %1 (%n working day(s))</source>
        <translation>
            <numerusform>Erste Antwort: bis Ende %1 (%n Arbeitstag)</numerusform>
            <numerusform>Erste Antwort: bis Ende %1 (%n Arbeitstage)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resolution: by the end of %1 (%n working day(s))</source>
        <translation>
            <numerusform>Erledigung: bis Ende %1 (%n Arbeitstag)</numerusform>
            <numerusform>Erledigung: bis Ende %1 (%n Arbeitstage)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open objection(s); the earliest deadline (R25): %1</source>
        <translation>
            <numerusform>%n offene Einwendung; die früheste Frist (R25): %1</numerusform>
            <numerusform>%n offene Einwendungen; die früheste Frist (R25): %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Cases: %1</source>
        <translation>Vorgänge: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n case(s) chosen:</source>
        <translation>
            <numerusform>%n Vorgang ausgewählt:</numerusform>
            <numerusform>%n Vorgänge ausgewählt:</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose cases in the list first (Ctrl or Shift for several).</source>
        <translation>Wählen Sie zuerst Vorgänge in der Liste (mehrere mit Strg oder Umschalt).</translation>
    </message>
    <message>
        <source>Pick the person to assign the cases to.</source>
        <translation>Wählen Sie die Person, der die Vorgänge zugewiesen werden.</translation>
    </message>
    <message>
        <source>Enter a customer number.</source>
        <translation>Geben Sie eine Kundennummer ein.</translation>
    </message>
    <message>
        <source>No customer %1.</source>
        <translation>Kein Kunde %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n case(s) changed; sent with this sync.</source>
        <translation>
            <numerusform>%n Vorgang geändert; wird mit dieser Synchronisierung gesendet.</numerusform>
            <numerusform>%n Vorgänge geändert; werden mit dieser Synchronisierung gesendet.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a name for the view first.</source>
        <translation>Geben Sie zuerst einen Namen für die Ansicht ein.</translation>
    </message>
    <message>
        <source>View “%1” saved.</source>
        <translation>Ansicht „%1“ gespeichert.</translation>
    </message>
    <message>
        <source>There is no view “%1”.</source>
        <translation>Es gibt keine Ansicht „%1“.</translation>
    </message>
    <message>
        <source>View “%1” deleted.</source>
        <translation>Ansicht „%1“ gelöscht.</translation>
    </message>
</context>
<context>
    <name>ClaimsView</name>
    <message>
        <source>Claim</source>
        <translation>Anspruch</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
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
        <source>All claims</source>
        <translation>Alle Ansprüche</translation>
    </message>
    <message>
        <source>Mark invoiced</source>
        <translation>Als in Rechnung gestellt markieren</translation>
    </message>
    <message>
        <source>Mark paid</source>
        <translation>Als bezahlt markieren</translation>
    </message>
    <message>
        <source>Write off</source>
        <translation>Abschreiben</translation>
    </message>
    <message>
        <source>Queued; it is sent with this sync.</source>
        <translation>Vorgemerkt; wird mit dieser Synchronisierung gesendet.</translation>
    </message>
</context>
<context>
    <name>CloseAccountDialog</name>
    <message>
        <source>Close the account (opt-out)</source>
        <translation>X-Konto schließen (Opt-out)</translation>
    </message>
    <message>
        <source>Closing %1&apos;s account on their request forfeits its balance of %2 points at once (R23); it cannot be undone.</source>
        <translation>Wird das X-Konto von %1 auf eigenen Wunsch geschlossen, verfällt sein Kontostand von %2 X-Points sofort (R23); das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Opt-out at the customer&apos;s request</source>
        <translation>Opt-out auf Wunsch des Kunden</translation>
    </message>
    <message>
        <source>I have shown the customer the forfeited balance</source>
        <translation>Ich habe dem Kunden den verfallenden Kontostand genannt</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Confirm that you have shown the customer the forfeited balance.</source>
        <translation>Bestätigen Sie, dass Sie dem Kunden den verfallenden Kontostand genannt haben.</translation>
    </message>
    <message>
        <source>Give a reason.</source>
        <translation>Geben Sie einen Grund an.</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>Confirm the self-referral</source>
        <extracomment>the accounts to terminate changed: the view works out the preview again</extracomment>
        <translation>Selbstempfehlung bestätigen</translation>
    </message>
    <message>
        <source>Confirming case %1 does exactly this (the engine&apos;s preview, R22):</source>
        <translation>Die Bestätigung von Missbrauchsfall %1 bewirkt genau Folgendes (Vorschau des Regelwerks, R22):</translation>
    </message>
    <message>
        <source>No points are left to void.</source>
        <translation>Es verbleiben keine X-Points, die nichtig werden könnten.</translation>
    </message>
    <message>
        <source>%1: a claim of %2 (%3)</source>
        <translation>%1: ein Anspruch auf Wertersatz von %2 (%3)</translation>
    </message>
    <message>
        <source>The invitee&apos;s unused discount code is voided.</source>
        <translation>Der nicht eingelöste Rabatt-Code des Eingeladenen wird nichtig.</translation>
    </message>
    <message>
        <source>Also terminate %1 for cause (R23: balance forfeited)</source>
        <translation>%1 zusätzlich aus wichtigem Grund kündigen (R23: Kontostand verfällt)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Working out the engine&apos;s preview…</source>
        <translation>Die Vorschau des Regelwerks wird berechnet…</translation>
    </message>
    <message>
        <source>The engine refuses this: %1</source>
        <translation>Das Regelwerk lässt das nicht zu: %1</translation>
    </message>
    <message>
        <source>%1 (%2, transferred from %3)</source>
        <translation>%1 (%2, übertragen aus %3)</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln point(s) voided (lots %2)</source>
        <translation>
            <numerusform>%1: %Ln X-Point wird nichtig (Gutschriftposten %2)</numerusform>
            <numerusform>%1: %Ln X-Points werden nichtig (Gutschriftposten %2)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: a claim of %2 for %Ln redeemed point(s) of the referral bonus</source>
        <translation>
            <numerusform>%1: ein Anspruch auf Wertersatz von %2 für %Ln eingelösten X-Point des Empfehlungsbonus</numerusform>
            <numerusform>%1: ein Anspruch auf Wertersatz von %2 für %Ln eingelöste X-Points des Empfehlungsbonus</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: a claim of %2 for the discount code used on order %3</source>
        <translation>%1: ein Anspruch auf Wertersatz von %2 für den auf Bestellung %3 eingelösten Rabatt-Code</translation>
    </message>
    <message numerus="yes">
        <source>%1 is terminated for cause: %Ln point(s) forfeited (R23).</source>
        <translation>
            <numerusform>%1 wird aus wichtigem Grund gekündigt: %Ln X-Point verfällt (R23).</numerusform>
            <numerusform>%1 wird aus wichtigem Grund gekündigt: %Ln X-Points verfallen (R23).</numerusform>
        </translation>
    </message>
    <message>
        <source>Closed as confirmed: %1</source>
        <translation>Als bestätigt abgeschlossen: %1</translation>
    </message>
    <message>
        <source>Give a reason.</source>
        <translation>Geben Sie einen Grund an.</translation>
    </message>
</context>
<context>
    <name>CustomerView</name>
    <message>
        <source>Customer number</source>
        <extracomment>pages shown (the first, and each refresh&apos;s) tabs read when shown, and again on a refresh while shown (True: to be read)</extracomment>
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
        <source>Orders</source>
        <translation>Bestellungen</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Verlauf</translation>
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
        <source>Terminate for cause…</source>
        <translation>Aus wichtigem Grund kündigen…</translation>
    </message>
    <message>
        <source>Terminate with notice…</source>
        <translation>Ordentlich kündigen…</translation>
    </message>
    <message>
        <source>The account is no longer active.</source>
        <translation>Das X-Konto ist nicht mehr aktiv.</translation>
    </message>
    <message>
        <source>A notice already runs (R23): the dialog shows its dates.</source>
        <translation>Eine Kündigung läuft bereits (R23): der Dialog zeigt ihre Daten.</translation>
    </message>
    <message>
        <source>Queued; it is sent with this sync.</source>
        <translation>Vorgemerkt; wird mit dieser Synchronisierung gesendet.</translation>
    </message>
    <message>
        <source>No customer %1 in the local store.</source>
        <translation>Kein Kunde %1 im lokalen Datenbestand.</translation>
    </message>
    <message>
        <source>under notice</source>
        <translation>gekündigt</translation>
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
    <message numerus="yes">
        <source>%1 (%Ln point(s) per euro)</source>
        <translation>
            <numerusform>%1 (%Ln X-Point je Euro)</numerusform>
            <numerusform>%1 (%Ln X-Points je Euro)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 point(s)</source>
        <translation>
            <numerusform>%1 X-Point</numerusform>
            <numerusform>%1 X-Points</numerusform>
        </translation>
    </message>
    <message>
        <source>Has referred</source>
        <translation>Hat empfohlen</translation>
    </message>
    <message>
        <source>may refer</source>
        <translation>darf empfehlen</translation>
    </message>
    <message>
        <source>cannot refer yet: no order of theirs has completed (R17)</source>
        <translation>darf noch nicht empfehlen: noch keine eigene Bestellung abgeschlossen (R17)</translation>
    </message>
    <message>
        <source>cannot refer: the account is not active (R17)</source>
        <translation>darf nicht empfehlen: das X-Konto ist nicht aktiv (R17)</translation>
    </message>
    <message>
        <source>cannot refer: the program has ended (R17)</source>
        <translation>darf nicht empfehlen: das Bonusprogramm ist beendet (R17)</translation>
    </message>
    <message>
        <source>worth %1</source>
        <translation>Wert %1</translation>
    </message>
    <message>
        <source>Referral code %1: %2</source>
        <translation>Empfehlungscode %1: %2</translation>
    </message>
    <message>
        <source>No referral code: %1</source>
        <translation>Kein Empfehlungscode: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n open case(s)</source>
        <translation>
            <numerusform>%n offener Vorgang</numerusform>
            <numerusform>%n offene Vorgänge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objection(s) to decide</source>
        <translation>
            <numerusform>%n Einwendung zu entscheiden</numerusform>
            <numerusform>%n Einwendungen zu entscheiden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n transfer(s) pending</source>
        <translation>
            <numerusform>%n Übertragung ausstehend</numerusform>
            <numerusform>%n Übertragungen ausstehend</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n adjustment(s) pending</source>
        <translation>
            <numerusform>%n Korrektur ausstehend</numerusform>
            <numerusform>%n Korrekturen ausstehend</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n abuse case(s) open</source>
        <translation>
            <numerusform>%n Missbrauchsfall offen</numerusform>
            <numerusform>%n Missbrauchsfälle offen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open claim(s), %1</source>
        <translation>
            <numerusform>%n offener Anspruch auf Wertersatz, %1</numerusform>
            <numerusform>%n offene Ansprüche auf Wertersatz, %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing open</source>
        <translation>Nichts offen</translation>
    </message>
    <message>
        <source>Notice given %1: active until %2, may redeem until %3 (T8.3, T8.4, R23)</source>
        <translation>Gekündigt am %1: aktiv bis %2, letzter Tag der Einlösung %3 (T8.3, T8.4, R23)</translation>
    </message>
    <message>
        <source>Terminated: the last day to redeem was %1 (T8.4, R23)</source>
        <translation>Gekündigt: der letzte Tag der Einlösung war der %1 (T8.4, R23)</translation>
    </message>
    <message>
        <source>Terminated: may redeem until %1, then the points left expire (T8.4, R23)</source>
        <translation>Gekündigt: letzter Tag der Einlösung %1, danach verfallen die restlichen X-Points (T8.4, R23)</translation>
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
        <source>Spend</source>
        <translation>Gesamtumsatz</translation>
    </message>
    <message>
        <source>Next tier</source>
        <translation>Nächste Status-Stufe</translation>
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
    <name>DecideObjectionDialog</name>
    <message>
        <source>Uphold the objection</source>
        <translation>Der Einwendung stattgeben</translation>
    </message>
    <message>
        <source>Reject the objection</source>
        <translation>Die Einwendung ablehnen</translation>
    </message>
    <message>
        <source>Answer the objection as late</source>
        <translation>Die Einwendung als verspätet beantworten</translation>
    </message>
    <message>
        <source>Goodwill on a late objection</source>
        <translation>Kulanz bei verspäteter Einwendung</translation>
    </message>
    <message>
        <source>Notice %1 of %2 (%3): %4 points, balance %5</source>
        <translation>Mitteilung %1 vom %2 (%3): %4 X-Points, Kontostand %5</translation>
    </message>
    <message>
        <source>Points to credit (negative: to take)</source>
        <translation>Gutzuschreibende Punkte (negativ: abzuziehen)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>Notiz (optional)</translation>
    </message>
    <message>
        <source>Credit %1 points although the notice objected to concerned %2 points (%3)</source>
        <translation>%1 X-Points gutschreiben, obwohl die beanstandete Mitteilung %2 X-Points betraf (%3)</translation>
    </message>
    <message>
        <source>Goodwill always waits for the approval of a team lead other than you (R26).</source>
        <translation>Kulanz wartet immer auf die Genehmigung durch eine andere Teamleitung als Sie (R26).</translation>
    </message>
    <message numerus="yes">
        <source>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</source>
        <translation>
            <numerusform>Die Korrektur wartet auf die Freigabe einer Teamleitung (R26): Korrekturen ohne Freigabe in den letzten 720 Stunden: %n, zusammen %1 X-Points; mit dieser %2 X-Points, mehr als %3. Die Einwendung bleibt bis dahin offen.</numerusform>
            <numerusform>Die Korrektur wartet auf die Freigabe einer Teamleitung (R26): Korrekturen ohne Freigabe in den letzten 720 Stunden: %n, zusammen %1 X-Points; mit dieser %2 X-Points, mehr als %3. Die Einwendung bleibt bis dahin offen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The adjustment is written at once and cites the objection in the ledger (R25). Adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, not more than %3 (R26).</source>
        <translation>
            <numerusform>Die Korrektur wird sofort gebucht und nennt die Einwendung im Punktekonto (R25). Korrekturen ohne Freigabe in den letzten 720 Stunden: %n, zusammen %1 X-Points; mit dieser %2 X-Points, nicht mehr als %3 (R26).</numerusform>
            <numerusform>Die Korrektur wird sofort gebucht und nennt die Einwendung im Punktekonto (R25). Korrekturen ohne Freigabe in den letzten 720 Stunden: %n, zusammen %1 X-Points; mit dieser %2 X-Points, nicht mehr als %3 (R26).</numerusform>
        </translation>
    </message>
    <message>
        <source>The goodwill is larger than what the notice concerned: confirm it, or lower the points.</source>
        <translation>Die Kulanz ist höher als das, was die Mitteilung betraf: bestätigen Sie sie oder verringern Sie die X-Points.</translation>
    </message>
    <message>
        <source>The adjustment is written at once and cites the objection in the ledger (R25).</source>
        <translation>Die Korrektur wird sofort gebucht und nennt die Einwendung im Kontoverlauf (R25).</translation>
    </message>
    <message>
        <source>The notice counts as approved (R25).</source>
        <translation>Die Mitteilung gilt als genehmigt (R25).</translation>
    </message>
    <message>
        <source>Enter the points to credit (not 0).</source>
        <translation>Geben Sie die gutzuschreibenden Punkte ein (nicht 0).</translation>
    </message>
    <message>
        <source>Give a reason.</source>
        <translation>Geben Sie einen Grund an.</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>X-Points Desk: an error</source>
        <extracomment>what a report must never carry, in the order applied (the longer forms first) 32 or more hex or base64 characters (a token or a key, told from a path in `_run`)</extracomment>
        <translation>X-Points Desk: ein Fehler</translation>
    </message>
    <message>
        <source>Something went wrong in X-Points Desk. Your work in the outbox is safe.</source>
        <translation>In X-Points Desk ist ein Fehler aufgetreten. Ihre Arbeit im Postausgang ist sicher.</translation>
    </message>
    <message>
        <source>The details are also in the log file: %1</source>
        <translation>Die Einzelheiten stehen auch in der Protokolldatei: %1</translation>
    </message>
    <message>
        <source>The details hold no passwords, tokens, e-mail addresses or customer numbers. You can send them to your support contact.</source>
        <translation>Die Einzelheiten enthalten keine Passwörter, Token, E-Mail-Adressen oder Kundennummern. Sie können sie an Ihren Support-Kontakt senden.</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Einzelheiten kopieren</translation>
    </message>
    <message numerus="yes">
        <source>%Ln error(s) since this window opened.</source>
        <translation>
            <numerusform>%Ln Fehler, seit dieses Fenster geöffnet wurde.</numerusform>
            <numerusform>%Ln Fehler, seit dieses Fenster geöffnet wurde.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvidencePane</name>
    <message>
        <source>Evidence</source>
        <extracomment>where a list of evidence keeps each file&apos;s SHA-256 an e-mail is shown as text up to this many bytes a file from disk: (its name, its SHA-256 once kept, or why it was refused) the PDF on screen, decrypted in memory: the document reads it from here</extracomment>
        <translation>Nachweise</translation>
    </message>
    <message>
        <source>No evidence to show.</source>
        <translation>Keine Nachweise zum Anzeigen.</translation>
    </message>
    <message>
        <source>Fetching %1…</source>
        <translation>%1 wird abgerufen…</translation>
    </message>
    <message>
        <source>The PDF cannot be shown (%1).</source>
        <translation>Das PDF kann nicht angezeigt werden (%1).</translation>
    </message>
    <message>
        <source>The image cannot be shown.</source>
        <translation>Das Bild kann nicht angezeigt werden.</translation>
    </message>
    <message>
        <source>This file is not a PDF, image or e-mail message.</source>
        <translation>Diese Datei ist weder ein PDF noch ein Bild noch eine E-Mail-Nachricht.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is not on this desktop: files of closed cases are removed from it after %n month(s) and stay on the server. It cannot be fetched from the server now (%2).</source>
        <translation>
            <numerusform>%1 ist nicht auf diesem Desktop: Dateien abgeschlossener Vorgänge werden nach %n Monat von ihm entfernt und bleiben auf dem Server. Vom Server kann die Datei gerade nicht geholt werden (%2).</numerusform>
            <numerusform>%1 ist nicht auf diesem Desktop: Dateien abgeschlossener Vorgänge werden nach %n Monaten von ihm entfernt und bleiben auf dem Server. Vom Server kann die Datei gerade nicht geholt werden (%2).</numerusform>
        </translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>nicht angemeldet</translation>
    </message>
    <message>
        <source>%1 cannot be fetched: %2</source>
        <translation>%1 kann nicht abgerufen werden: %2</translation>
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
        <source>A sentence about a claim names the claim&apos;s number (as the list of claims shows it) when you point at it.</source>
        <translation>Ein Satz über einen Anspruch auf Wertersatz nennt dessen Nummer (wie die Liste der Ansprüche sie zeigt), wenn Sie mit der Maus darauf zeigen.</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
    <message>
        <source>Language of the reply:</source>
        <translation>Sprache der Antwort:</translation>
    </message>
    <message>
        <source>Claim %1</source>
        <translation>Anspruch %1</translation>
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
        <extracomment>where the table stood when a refresh was asked for (put back when it arrives)</extracomment>
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
    <message numerus="yes">
        <source>(%Ln point(s) per euro)</source>
        <translation>
            <numerusform>(%Ln X-Point je Euro)</numerusform>
            <numerusform>(%Ln X-Points je Euro)</numerusform>
        </translation>
    </message>
    <message>
        <source>sent %1: %2 points, balance %3</source>
        <translation>versandt am %1: %2 X-Points, Kontostand %3</translation>
    </message>
    <message>
        <source>Entries: %1</source>
        <translation>Buchungen: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 point(s) at the end of %2</source>
        <translation>
            <numerusform>%1 X-Point zum Tagesende am %2</numerusform>
            <numerusform>%1 X-Points zum Tagesende am %2</numerusform>
        </translation>
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
        <source>%1 %2: no other customer or case to open.</source>
        <translation>%1 %2: kein anderer Kunde und kein Vorgang zum Öffnen.</translation>
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
    <name>ListView</name>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
</context>
<context>
    <name>LocalData</name>
    <message>
        <source>The local data is encrypted; its key is kept in the system keyring.</source>
        <extracomment>an SPDX expression or the licence&apos;s name; None when the metadata names none</extracomment>
        <translation>Die lokalen Daten sind verschlüsselt; ihr Schlüssel liegt im Schlüsselbund des Systems.</translation>
    </message>
    <message>
        <source>The local data is encrypted; its key comes from the XREWARDS_STORE_KEY variable.</source>
        <translation>Die lokalen Daten sind verschlüsselt; ihr Schlüssel kommt aus der Variablen XREWARDS_STORE_KEY.</translation>
    </message>
    <message>
        <source>The local data is encrypted; its key is protected by your passphrase.</source>
        <translation>Die lokalen Daten sind verschlüsselt; ihr Schlüssel ist durch Ihre Passphrase geschützt.</translation>
    </message>
    <message>
        <source>The demo&apos;s local data is encrypted with a key held in memory for this run only.</source>
        <translation>Die lokalen Daten der Demo sind mit einem Schlüssel verschlüsselt, der nur für diesen Lauf im Arbeitsspeicher liegt.</translation>
    </message>
    <message>
        <source>The local data is not encrypted.</source>
        <translation>Die lokalen Daten sind nicht verschlüsselt.</translation>
    </message>
</context>
<context>
    <name>MacroDialog</name>
    <message>
        <source>Apply a macro</source>
        <extracomment>how the reply goes: through the mail gateway, or sent by the agent and recorded</extracomment>
        <translation>Textbaustein mit Aktion anwenden</translation>
    </message>
    <message>
        <source>Send through the mail gateway</source>
        <translation>Über die Postfach-Anbindung senden</translation>
    </message>
    <message>
        <source>I send it myself: copy it and record it as sent</source>
        <translation>Ich sende selbst: kopieren und als gesendet erfassen</translation>
    </message>
    <message>
        <source>Macro</source>
        <translation>Textbaustein</translation>
    </message>
    <message>
        <source>Concerning</source>
        <translation>Betrifft</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>Reply in</source>
        <translation>Antwort auf</translation>
    </message>
    <message>
        <source>Reply goes</source>
        <translation>Versand</translation>
    </message>
    <message>
        <source>1. The reply to the customer</source>
        <translation>1. Die Antwort an den Kunden</translation>
    </message>
    <message>
        <source>2. The decision</source>
        <translation>2. Die Entscheidung</translation>
    </message>
    <message>
        <source>3. The case&apos;s status</source>
        <translation>3. Der Status des Vorgangs</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>Notiz (optional)</translation>
    </message>
    <message>
        <source>Order %1 of %2</source>
        <translation>Bestellung %1 vom %2</translation>
    </message>
    <message>
        <source>Objection %1 to notice %2, received %3</source>
        <translation>Einwendung %1 gegen Mitteilung %2, eingegangen %3</translation>
    </message>
    <message>
        <source>Transfer request %1: %2 points</source>
        <translation>Übertragungsantrag %1: %2 X-Points</translation>
    </message>
    <message>
        <source>Give a reason: the reply states it.</source>
        <translation>Geben Sie eine Begründung an: Die Antwort nennt sie.</translation>
    </message>
    <message>
        <source>Not approved: %1</source>
        <translation>Nicht genehmigt: %1</translation>
    </message>
    <message>
        <source>the payment and the delivery</source>
        <translation>die Zahlung und die Lieferung</translation>
    </message>
    <message>
        <source>the payment</source>
        <translation>die Zahlung</translation>
    </message>
    <message>
        <source>the delivery</source>
        <translation>die Lieferung</translation>
    </message>
    <message>
        <source>bronze</source>
        <translation>Bronze</translation>
    </message>
    <message>
        <source>silver</source>
        <translation>Silber</translation>
    </message>
    <message>
        <source>gold</source>
        <translation>Gold</translation>
    </message>
    <message>
        <source>No decision. The reply states order %1&apos;s pending points: %2 at the tier held now, %3 (%4 per euro); the order waits for %5 (R4, R8). The figure can still change before the order completes.</source>
        <translation>Keine Entscheidung. Die Antwort nennt die ausstehenden X-Points der Bestellung %1: %2 mit der jetzigen Status-Stufe %3 (%4 je Euro); die Bestellung wartet auf %5 (R4, R8). Die Zahl kann sich bis zum Abschluss der Bestellung noch ändern.</translation>
    </message>
    <message>
        <source>Uphold objection %1 to notice %2 (sent %3, deadline %4, in time): an adjustment of %5 points citing the objection (R25).</source>
        <translation>Einwendung %1 gegen Mitteilung %2 stattgeben (versandt %3, Frist %4, fristgerecht): eine Korrektur um %5 X-Points mit Verweis auf die Einwendung (R25).</translation>
    </message>
    <message numerus="yes">
        <source>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</source>
        <translation>
            <numerusform>Die Korrektur wartet auf die Freigabe einer Teamleitung (R26): Korrekturen ohne Freigabe in den letzten 720 Stunden: %n, zusammen %1 X-Points; mit dieser %2 X-Points, mehr als %3. Die Einwendung bleibt bis dahin offen.</numerusform>
            <numerusform>Die Korrektur wartet auf die Freigabe einer Teamleitung (R26): Korrekturen ohne Freigabe in den letzten 720 Stunden: %n, zusammen %1 X-Points; mit dieser %2 X-Points, mehr als %3. Die Einwendung bleibt bis dahin offen.</numerusform>
        </translation>
    </message>
    <message>
        <source>It is written at once; the new balance is %1 points.</source>
        <translation>Sie wird sofort gebucht; der neue Punktestand beträgt %1 X-Points.</translation>
    </message>
    <message>
        <source>The notice follows the rules: there is no error to uphold.</source>
        <translation>Die Mitteilung entspricht den Regeln: Es gibt keinen Fehler, dem stattzugeben wäre.</translation>
    </message>
    <message>
        <source>Answer objection %1 as late: received %2, the deadline for notice %3 was %4; the notice counts as approved (R25).</source>
        <translation>Einwendung %1 als verspätet beantworten: eingegangen %2, die Frist für Mitteilung %3 endete am %4; die Mitteilung gilt als genehmigt (R25).</translation>
    </message>
    <message>
        <source>Approve transfer request %1: %2 points from %3 to %4, oldest lots first, each keeping its dates (R20, R21).</source>
        <translation>Übertragungsantrag %1 genehmigen: %2 X-Points von %3 an %4, älteste Gutschriftposten zuerst, jeder mit seinen Daten (R20, R21).</translation>
    </message>
    <message>
        <source>Reject transfer request %1: the %2 points stay on %3 (R21).</source>
        <translation>Übertragungsantrag %1 ablehnen: Die %2 X-Points bleiben auf %3 (R21).</translation>
    </message>
    <message>
        <source>Stays %1.</source>
        <translation>Bleibt „%1“.</translation>
    </message>
    <message>
        <source>From %1 to %2.</source>
        <translation>Von „%1“ zu „%2“.</translation>
    </message>
    <message>
        <source>The case has no sender&apos;s address to reply to.</source>
        <translation>Der Vorgang hat keine Absenderadresse für die Antwort.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Transfers</source>
        <extracomment>the views&apos; modules (with the store&apos;s read models, SQLAlchemy and the contract under them): imported once the window has painted, by the start-up&apos;s worker (import_views), where each view is first made (issue 23) open views a sync changed while they were hidden: refreshed when shown the views that stay open (the first tabs), refreshed after every sync the watched mail folder&apos;s importer, made when the window is ready the retention sweep (issue 22), started when the window is ready views shown to some roles only (R27), each with its menu action</extracomment>
        <translation>Übertragungen</translation>
    </message>
    <message>
        <source>Transfer requests waiting for a team lead (F6)</source>
        <translation>Übertragungsanträge, die auf die Teamleitung warten (F6)</translation>
    </message>
    <message>
        <source>Abuse review</source>
        <translation>Missbrauchsprüfung</translation>
    </message>
    <message>
        <source>Referrals ranked by their signs of self-referral (F7)</source>
        <translation>Empfehlungen, geordnet nach Anzeichen für eine Selbstempfehlung (F7)</translation>
    </message>
    <message>
        <source>Abuse review</source>
        <comment>tab</comment>
        <translation>Missbrauch</translation>
    </message>
    <message>
        <source>Claims</source>
        <translation>Ansprüche auf Wertersatz</translation>
    </message>
    <message>
        <source>Claims after abuse, and their state (F8)</source>
        <translation>Ansprüche auf Wertersatz nach Missbrauch und ihr Status (F8)</translation>
    </message>
    <message>
        <source>Claims</source>
        <comment>tab</comment>
        <translation>Wertersatz</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit-Protokoll</translation>
    </message>
    <message>
        <source>Every command: who, role, when, what (F9)</source>
        <translation>Jeder Befehl: wer, Rolle, wann, was (F9)</translation>
    </message>
    <message>
        <source>Audit</source>
        <comment>tab</comment>
        <translation>Audit</translation>
    </message>
    <message>
        <source>X-Points Desk</source>
        <extracomment>the role whose views the menus show (set by show_person)</extracomment>
        <translation>X-Points Desk</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Role</source>
        <translation>&amp;Rolle</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
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
        <source>About X-Points Desk: version and libraries (F1)</source>
        <translation>Über X-Points Desk: Version und Bibliotheken (F1)</translation>
    </message>
    <message>
        <source>Sign out and remove local data…</source>
        <translation>Abmelden und lokale Daten entfernen…</translation>
    </message>
    <message>
        <source>Remove the local store, its key, evidence and mails from this computer; the server keeps everything</source>
        <translation>Lokalen Datenbestand, seinen Schlüssel, Nachweise und Mails von diesem Computer entfernen; der Server behält alles</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>Vorgänge</translation>
    </message>
    <message>
        <source>The case inbox (F2)</source>
        <translation>Posteingang der Vorgänge (F2)</translation>
    </message>
    <message>
        <source>Objections</source>
        <translation>Einwendungen</translation>
    </message>
    <message>
        <source>Objections by deadline (F3)</source>
        <translation>Einwendungen nach Frist (F3)</translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation>Genehmigungen</translation>
    </message>
    <message>
        <source>Adjustments waiting for a team lead (F4)</source>
        <translation>Korrekturen, die auf die Teamleitung warten (F4)</translation>
    </message>
    <message>
        <source>Signed in: %1 (%2)</source>
        <translation>Angemeldet: %1 (%2)</translation>
    </message>
    <message>
        <source>Case %1</source>
        <translation>Vorgang %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Send the outbox and fetch the server&apos;s changes (F5)</source>
        <translation>Postausgang senden und Änderungen vom Server holen (F5)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>About X-Points Desk</source>
        <translation>Über X-Points Desk</translation>
    </message>
    <message>
        <source>Refused commands…</source>
        <translation>Abgelehnte Befehle…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Building the demo program (only at its first start; later starts reuse it)…</source>
        <translation>Das Demo-Programm wird erzeugt (nur beim ersten Start; spätere Starts verwenden es wieder)…</translation>
    </message>
    <message>
        <source>%p%</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Import e-mails</source>
        <translation>E-Mails importieren</translation>
    </message>
    <message>
        <source>E-mail messages (*.eml);;All files (*)</source>
        <translation>E-Mail-Nachrichten (*.eml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Imported %1 mails; %2 already known; %3 refused</source>
        <translation>%1 E-Mails importiert; %2 bereits bekannt; %3 abgelehnt</translation>
    </message>
    <message>
        <source>attachment refused</source>
        <translation>Anhang abgelehnt</translation>
    </message>
    <message>
        <source>Import of e-mails</source>
        <translation>Import von E-Mails</translation>
    </message>
</context>
<context>
    <name>ManualCaseDialog</name>
    <message>
        <source>New case by phone or letter</source>
        <translation>Neuer Vorgang per Anruf oder Brief</translation>
    </message>
    <message>
        <source>Phone call</source>
        <extracomment>`lookup(text, done)`: finds (account id, e-mail) or None on the local store, off the GUI thread, and calls `done` with it</extracomment>
        <translation>Anruf</translation>
    </message>
    <message>
        <source>Letter</source>
        <translation>Brief</translation>
    </message>
    <message>
        <source>customer number or e-mail</source>
        <translation>Kundennummer oder E-Mail</translation>
    </message>
    <message>
        <source>The receipt time is typed in by you and shown as such; for a letter, the day it reached us (R25).</source>
        <translation>Den Eingangszeitpunkt geben Sie von Hand ein, und er wird als solcher angezeigt; bei einem Brief der Tag, an dem er uns erreicht hat (R25).</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Received (Berlin)</source>
        <translation>Eingegangen (Berlin)</translation>
    </message>
    <message>
        <source>What the customer said</source>
        <translation>Was der Kunde gesagt hat</translation>
    </message>
    <message>
        <source>No customer with that number or e-mail in the local store.</source>
        <translation>Kein Kunde mit dieser Nummer oder E-Mail im lokalen Datenbestand.</translation>
    </message>
    <message>
        <source>Enter a subject and what the customer said.</source>
        <translation>Geben Sie einen Betreff ein und was der Kunde gesagt hat.</translation>
    </message>
</context>
<context>
    <name>ObjectionAdvice</name>
    <message>
        <source>Reversal of %1 points for order %2, written %3.</source>
        <translation>Stornierung der Gutschrift über %1 X-Points für Bestellung %2, gebucht %3.</translation>
    </message>
    <message>
        <source>No error: order %1 was cancelled after its points were credited, so %2 points were taken back (T3.6, T3.7, R15).</source>
        <translation>Kein Fehler: Bestellung %1 wurde nach der Gutschrift storniert, daher wurden %2 X-Points zurückgebucht (T3.6, T3.7, R15).</translation>
    </message>
    <message>
        <source>Manual adjustment of %1 points, written %2: %3</source>
        <translation>Manuelle Korrektur über %1 X-Points, gebucht %2: %3</translation>
    </message>
    <message>
        <source>Credit of %1 points for order %2, written %3 (T3.5).</source>
        <translation>Gutschrift über %1 X-Points für Bestellung %2, gebucht %3 (T3.5).</translation>
    </message>
    <message>
        <source>%1 points, written %2.</source>
        <translation>%1 X-Points, gebucht %2.</translation>
    </message>
    <message>
        <source>%1 points credited %2, usable until %3</source>
        <translation>%1 X-Points gutgeschrieben am %2, gültig bis %3</translation>
    </message>
    <message>
        <source>Expiry of %1 points, written %2: %3.</source>
        <translation>Verfall von %1 X-Points, gebucht %2: %3.</translation>
    </message>
    <message>
        <source>It was written before the points were due: an error.</source>
        <translation>Gebucht, bevor die X-Points fällig waren: ein Fehler.</translation>
    </message>
    <message>
        <source>Error: the points expired before they were due (usable until %1, T4.5); the %2 points are credited again (R25).</source>
        <translation>Fehler: die X-Points sind vor ihrem Verfallsdatum verfallen (gültig bis %1, T4.5); die %2 X-Points werden wieder gutgeschrieben (R25).</translation>
    </message>
    <message>
        <source>On schedule (T4.5): not an error.</source>
        <translation>Planmäßig (T4.5): kein Fehler.</translation>
    </message>
    <message>
        <source>No error: the %1 points expired on schedule, at the end of the three months to redeem after the provider&apos;s notice took effect (T8.4, R23).</source>
        <translation>Kein Fehler: die %1 X-Points sind planmäßig verfallen, am Ende der drei Monate zur Einlösung nach Wirksamwerden der Kündigung (T8.4, R23).</translation>
    </message>
    <message>
        <source>No error: the %1 points expired on schedule. X-Points are valid for 12 months from their credit (T4.5): credited %2, usable until %3, expired at the start of the next day.</source>
        <translation>Kein Fehler: die %1 X-Points sind planmäßig verfallen. X-Points gelten 12 Monate ab der Gutschrift (T4.5): gutgeschrieben am %2, gültig bis %3, verfallen zu Beginn des Folgetags.</translation>
    </message>
    <message>
        <source>The objection reached us after the deadline of %1; the notice counts as approved (T3.9, R25).</source>
        <translation>Die Einwendung ging nach Ablauf der Frist am %1 ein; die Mitteilung gilt als genehmigt (T3.9, R25).</translation>
    </message>
    <message>
        <source>The notice follows the rules: there is no error to uphold. Reject the objection (its reason is filled in there); only a team lead&apos;s goodwill could credit the points.</source>
        <translation>Die Mitteilung entspricht den Regeln: es gibt keinen Fehler, dem stattzugeben wäre. Lehnen Sie die Einwendung ab (dort ist die Begründung eingetragen); die X-Points könnte nur die Teamleitung aus Kulanz gutschreiben.</translation>
    </message>
    <message>
        <source>The notice was wrong: uphold the objection and credit the points again.</source>
        <translation>Die Mitteilung war falsch: geben Sie der Einwendung statt und schreiben Sie die X-Points wieder gut.</translation>
    </message>
</context>
<context>
    <name>ObjectionsView</name>
    <message>
        <source>Deadline</source>
        <translation>Frist</translation>
    </message>
    <message>
        <source>In time</source>
        <translation>Fristgerecht</translation>
    </message>
    <message>
        <source>in time</source>
        <translation>fristgerecht</translation>
    </message>
    <message>
        <source>late</source>
        <translation>verspätet</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Mitteilung</translation>
    </message>
    <message>
        <source>changed terms</source>
        <translation>geänderte Teilnahmebedingungen</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Eingegangen</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Vorgang</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Due within 7 days</source>
        <translation>Fällig innerhalb von 7 Tagen</translation>
    </message>
    <message>
        <source>Late, not answered</source>
        <translation>Verspätet, nicht beantwortet</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>Entschieden</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Objections: %1 (the earliest deadline first)</source>
        <translation>Einwendungen: %1 (früheste Frist zuerst)</translation>
    </message>
    <message>
        <source>waits for a team lead (R26)</source>
        <translation>wartet auf die Teamleitung (R26)</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>upheld</source>
        <translation>stattgegeben</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>answered as late</source>
        <translation>als verspätet beantwortet</translation>
    </message>
    <message>
        <source>goodwill granted</source>
        <translation>Kulanz gewährt</translation>
    </message>
</context>
<context>
    <name>OrdersView</name>
    <message>
        <source>Order</source>
        <extracomment>ledger entry ids to show in the ledger tab the order to select once the orders are there (an order number searched for)</extracomment>
        <translation>Bestellung</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stand</translation>
    </message>
    <message>
        <source>Placed</source>
        <translation>Aufgegeben</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Bezahlt</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Geliefert</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Nettoumsatz</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>Rabatt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation>Eingelöst</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Tier and rate</source>
        <translation>Status-Stufe und Satz</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>storniert</translation>
    </message>
    <message>
        <source>open: not paid, not delivered</source>
        <translation>offen: nicht bezahlt, nicht geliefert</translation>
    </message>
    <message>
        <source>open: not paid</source>
        <translation>offen: nicht bezahlt</translation>
    </message>
    <message>
        <source>open: not delivered</source>
        <translation>offen: nicht geliefert</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>bronze</source>
        <translation>Bronze</translation>
    </message>
    <message>
        <source>silver</source>
        <translation>Silber</translation>
    </message>
    <message>
        <source>gold</source>
        <translation>Gold</translation>
    </message>
    <message numerus="yes">
        <source>%1, %Ln point(s) per euro (now)</source>
        <translation>
            <numerusform>%1, %Ln X-Point je Euro (jetzt)</numerusform>
            <numerusform>%1, %Ln X-Points je Euro (jetzt)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1, %Ln point(s) per euro</source>
        <translation>
            <numerusform>%1, %Ln X-Point je Euro</numerusform>
            <numerusform>%1, %Ln X-Points je Euro</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 pending</source>
        <translation>%1 ausstehend</translation>
    </message>
    <message>
        <source>%1 (%2 kept)</source>
        <translation>%1 (%2 behalten)</translation>
    </message>
    <message>
        <source>%1 earns no points: it was placed before the program began (R2).</source>
        <translation>%1 bringt keine X-Points: vor Beginn des Bonusprogramms aufgegeben (R2).</translation>
    </message>
    <message>
        <source>%1 earns no points: the account is not active (R3).</source>
        <translation>%1 bringt keine X-Points: das X-Konto ist nicht aktiv (R3).</translation>
    </message>
    <message>
        <source>%1 earns no points: the program has ended (R23).</source>
        <translation>%1 bringt keine X-Points: das Bonusprogramm ist beendet (R23).</translation>
    </message>
    <message>
        <source>paid %1</source>
        <translation>bezahlt am %1</translation>
    </message>
    <message>
        <source>delivered %1</source>
        <translation>geliefert am %1</translation>
    </message>
    <message>
        <source>once paid and delivered</source>
        <translation>sobald bezahlt und geliefert</translation>
    </message>
    <message>
        <source>once paid</source>
        <translation>sobald bezahlt</translation>
    </message>
    <message>
        <source>once delivered</source>
        <translation>sobald geliefert</translation>
    </message>
    <message>
        <source>%1 will earn %2 (%3) %4</source>
        <translation>%1 bringt %2 (%3), %4</translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s)</source>
        <translation>
            <numerusform>%Ln X-Point</numerusform>
            <numerusform>%Ln X-Points</numerusform>
        </translation>
    </message>
    <message>
        <source>another order completing first can lift the tier</source>
        <translation>eine andere Bestellung, die vorher abgeschlossen wird, kann die Status-Stufe heben</translation>
    </message>
    <message>
        <source>a cancellation lowers the base</source>
        <translation>eine Stornierung senkt die Grundlage</translation>
    </message>
    <message>
        <source>a notice taking effect first ends the earning</source>
        <translation>eine vorher wirksam werdende Kündigung beendet das Sammeln</translation>
    </message>
    <message>
        <source>The figure can change until the order completes: R8 takes the tier held just before completion.</source>
        <translation>Die Zahl kann sich bis zum Abschluss der Bestellung ändern: R8 nimmt die Status-Stufe unmittelbar vor dem Abschluss.</translation>
    </message>
    <message>
        <source>Pick an order to see its detail.</source>
        <translation>Eine Bestellung wählen, um die Einzelheiten zu sehen.</translation>
    </message>
    <message>
        <source>Discount code</source>
        <translation>Rabatt-Code</translation>
    </message>
    <message>
        <source>usable until %1</source>
        <translation>gültig bis %1</translation>
    </message>
    <message>
        <source>Points redeemed</source>
        <translation>Eingelöste X-Points</translation>
    </message>
    <message>
        <source>in full</source>
        <translation>ganz</translation>
    </message>
    <message>
        <source>in part</source>
        <translation>teilweise</translation>
    </message>
    <message>
        <source>date not recorded</source>
        <translation>Datum nicht erfasst</translation>
    </message>
    <message>
        <source>Earning base (R5)</source>
        <translation>Grundlage der Gutschrift (R5)</translation>
    </message>
    <message>
        <source>Credited</source>
        <translation>Gutgeschrieben</translation>
    </message>
    <message>
        <source>%1 on %2 (%3)</source>
        <translation>%1 am %2 (%3)</translation>
    </message>
    <message>
        <source>Kept after reversals</source>
        <translation>Nach Stornierungen behalten</translation>
    </message>
    <message>
        <source>%1 to %2 on %3</source>
        <translation>%1 an %2 am %3</translation>
    </message>
    <message>
        <source>%1 reversed (R16)</source>
        <translation>%1 storniert (R16)</translation>
    </message>
    <message>
        <source>Referral bonus</source>
        <translation>Empfehlungsbonus</translation>
    </message>
    <message numerus="yes">
        <source>%n ledger entry(s) of this order</source>
        <translation>
            <numerusform>%n Buchung dieser Bestellung</numerusform>
            <numerusform>%n Buchungen dieser Bestellung</numerusform>
        </translation>
    </message>
    <message>
        <source>notice %1</source>
        <translation>Mitteilung %1</translation>
    </message>
    <message>
        <source>Notices</source>
        <translation>Mitteilungen</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>%n Bestellung</numerusform>
            <numerusform>%n Bestellungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open</source>
        <translation>
            <numerusform>%n offen</numerusform>
            <numerusform>%n offen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Outbox</name>
    <message>
        <source>Not signed in.</source>
        <translation>Nicht angemeldet.</translation>
    </message>
    <message>
        <source>The command could not be stored: %1</source>
        <translation>Der Befehl konnte nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>Passphrase of the local data</source>
        <translation>Passphrase der lokalen Daten</translation>
    </message>
    <message>
        <source>This computer has no keyring to keep the key of the encrypted local data in. Choose a passphrase: it is asked at each start, and without it the local data cannot be read (it can be synced again from the server).</source>
        <translation>Dieser Computer hat keinen Schlüsselbund für den Schlüssel der verschlüsselten lokalen Daten. Wählen Sie eine Passphrase: Sie wird bei jedem Start abgefragt, und ohne sie lassen sich die lokalen Daten nicht lesen (sie können erneut vom Server synchronisiert werden).</translation>
    </message>
    <message>
        <source>The key of the encrypted local data is protected by a passphrase. Enter it to open the local data.</source>
        <translation>Der Schlüssel der verschlüsselten lokalen Daten ist durch eine Passphrase geschützt. Geben Sie sie ein, um die lokalen Daten zu öffnen.</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Datenordner</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation>Passphrase wiederholen</translation>
    </message>
    <message>
        <source>The passphrase is wrong. Try again.</source>
        <translation>Die Passphrase ist falsch. Bitte erneut versuchen.</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>Geben Sie die Passphrase ein.</translation>
    </message>
    <message>
        <source>The two passphrases differ. Type the same one twice.</source>
        <translation>Die beiden Passphrasen weichen voneinander ab. Geben Sie zweimal dieselbe ein.</translation>
    </message>
</context>
<context>
    <name>Presence</name>
    <message>
        <source>%1 and %2</source>
        <extracomment>how often the mark is renewed and the list asked for (the server keeps a mark 90 s)</extracomment>
        <translation>%1 und %2</translation>
    </message>
    <message>
        <source>Also open by %1</source>
        <translation>Auch geöffnet von %1</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Give a reason.</source>
        <translation>Geben Sie einen Grund an.</translation>
    </message>
</context>
<context>
    <name>RecordObjectionDialog</name>
    <message>
        <source>Objection to a notice</source>
        <translation>Einwendung gegen eine Mitteilung</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Versandt</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Mitteilung</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Balance stated</source>
        <translation>Mitgeteilter Kontostand</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Frist</translation>
    </message>
    <message>
        <source>For this mail</source>
        <translation>Für diese E-Mail</translation>
    </message>
    <message>
        <source>in time</source>
        <translation>fristgerecht</translation>
    </message>
    <message>
        <source>late</source>
        <translation>verspätet</translation>
    </message>
    <message>
        <source>Received with</source>
        <translation>Eingegangen mit</translation>
    </message>
    <message>
        <source>The notice the customer objects to:</source>
        <translation>Die Mitteilung, gegen die der Kunde Einwendung erhebt:</translation>
    </message>
    <message>
        <source>our mailbox&apos;s Received: header</source>
        <translation>Received:-Header unseres Postfachs</translation>
    </message>
    <message>
        <source>the sender&apos;s Date: header (no Received: header)</source>
        <translation>Date:-Header des Absenders (kein Received:-Header)</translation>
    </message>
    <message>
        <source>typed in by hand (the mail held no readable date)</source>
        <translation>von Hand erfasst (die Mail hatte kein lesbares Datum)</translation>
    </message>
    <message>
        <source>typed in by hand (%1)</source>
        <translation>von Hand erfasst (%1)</translation>
    </message>
    <message>
        <source>sender unknown</source>
        <translation>Absender unbekannt</translation>
    </message>
    <message>
        <source>Pick a notice.</source>
        <translation>Wählen Sie eine Mitteilung.</translation>
    </message>
    <message>
        <source>%1: %2 points usable until %3</source>
        <translation>%1: %2 X-Points gültig bis %3</translation>
    </message>
    <message>
        <source>It stated %1 points and a balance of %2.</source>
        <translation>Sie nannte %1 X-Points und einen Kontostand von %2.</translation>
    </message>
    <message>
        <source>Pick the notice the customer objects to.</source>
        <translation>Wählen Sie die Mitteilung, gegen die der Kunde Einwendung erhebt.</translation>
    </message>
    <message>
        <source>The case has no received mail to date the objection.</source>
        <translation>Der Vorgang hat keine eingegangene E-Mail, nach der sich die Einwendung datieren lässt.</translation>
    </message>
    <message>
        <source>The mail arrived before the notice was sent; pick another notice.</source>
        <translation>Die E-Mail ging vor dem Versand der Mitteilung ein; wählen Sie eine andere Mitteilung.</translation>
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
    <name>ReplyDialog</name>
    <message>
        <source>Reply to the customer</source>
        <extracomment>the rewards@ mailbox the mail gateway sends from (an INI key of its own, set where the mailbox is not the usual one): the domain of the Message-IDs made for replies the most Message-IDs a reply&apos;s References carries (the contract&apos;s limit): the first and the latest, as RFC 5322 3.6.4 suggests where a thread grows long</extracomment>
        <translation>Antwort an den Kunden</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>The mail gateway sends it from the mailbox, threaded; the case shows its state.</source>
        <translation>Die Postfach-Anbindung sendet sie aus dem Postfach, in den Verlauf eingeordnet; der Vorgang zeigt ihren Stand.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Save as .eml draft…</source>
        <translation>Als .eml-Entwurf speichern…</translation>
    </message>
    <message>
        <source>Record as sent</source>
        <translation>Als gesendet erfassen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>The reply is on the clipboard.</source>
        <translation>Die Antwort ist in der Zwischenablage.</translation>
    </message>
    <message>
        <source>The reply is empty.</source>
        <translation>Die Antwort ist leer.</translation>
    </message>
    <message>
        <source>Save the reply as a draft</source>
        <translation>Antwort als Entwurf speichern</translation>
    </message>
    <message>
        <source>E-mail messages (*.eml)</source>
        <translation>E-Mail-Nachrichten (*.eml)</translation>
    </message>
    <message>
        <source>The app&apos;s data folder keeps only encrypted files: save the draft in another folder.</source>
        <translation>Im Datenordner der Anwendung liegen nur verschlüsselte Dateien: Speichern Sie den Entwurf in einem anderen Ordner.</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Gespeichert: %1</translation>
    </message>
    <message>
        <source>Write the reply and its address first.</source>
        <translation>Schreiben Sie zuerst die Antwort und die Empfängeradresse.</translation>
    </message>
</context>
<context>
    <name>SearchView</name>
    <message>
        <source>Customer number</source>
        <extracomment>(customer, order number): an order number was typed and Enter pressed the search&apos;s key (Tasks.query): a newer query makes older answers stale the order the newest query&apos;s text names, with its customer</extracomment>
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
        <source>notice given %1: active until %2, may redeem until %3</source>
        <translation>gekündigt am %1: aktiv bis %2, letzter Tag der Einlösung %3</translation>
    </message>
    <message>
        <source>terminated: the last day to redeem was %1</source>
        <translation>gekündigt: der letzte Tag der Einlösung war der %1</translation>
    </message>
    <message>
        <source>terminated: may redeem until %1</source>
        <translation>gekündigt: letzter Tag der Einlösung %1</translation>
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
        <source>Order %1 of customer %2: Enter opens the order.</source>
        <translation>Bestellung %1 von Kunde %2: Eingabe öffnet die Bestellung.</translation>
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
    <name>SetReceiptDialog</name>
    <message>
        <source>Set the receipt time</source>
        <translation>Eingangszeitpunkt setzen</translation>
    </message>
    <message>
        <source>sender unknown</source>
        <translation>Absender unbekannt</translation>
    </message>
    <message>
        <source>The mail holds no readable Received: or Date: header. Type in when it reached our mailbox, from the mailbox&apos;s own records (its log, the mail program&apos;s list), in Berlin time. The case shows it as typed in by hand; the deadline of an objection in it counts from it (R25).</source>
        <translation>Die Mail hat keine lesbare Received:- oder Date:-Kopfzeile. Geben Sie ein, wann sie in unserem Postfach eingegangen ist, nach den Aufzeichnungen des Postfachs (sein Protokoll, die Liste des Mailprogramms), in Berliner Zeit. Der Vorgang zeigt sie als von Hand erfasst; die Frist einer Einwendung darin rechnet ab ihr (R25).</translation>
    </message>
    <message>
        <source>Mail</source>
        <translation>Mail</translation>
    </message>
    <message>
        <source>Received (Berlin)</source>
        <translation>Eingegangen (Berlin)</translation>
    </message>
    <message>
        <source>No mail of this case lacks its receipt time.</source>
        <translation>Keiner Mail dieses Vorgangs fehlt der Eingangszeitpunkt.</translation>
    </message>
    <message>
        <source>A mail cannot have been received in the future.</source>
        <translation>Eine Mail kann nicht in der Zukunft eingegangen sein.</translation>
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
    <message>
        <source>Import e-mails from this folder</source>
        <translation>E-Mails aus diesem Ordner importieren</translation>
    </message>
    <message>
        <source>Name under replies</source>
        <translation>Name unter Antworten</translation>
    </message>
    <message>
        <source>Remove files of closed cases from this desktop after (months)</source>
        <extracomment>issue 22: mails, drafts and evidence files of closed cases leave this desktop after so many calendar months (sync/retention.py; they stay on the server)</extracomment>
        <translation>Dateien abgeschlossener Vorgänge von diesem Desktop entfernen nach (Monaten)</translation>
    </message>
    <message>
        <source>First reply due within (working days)</source>
        <translation>Erste Antwort fällig innerhalb von (Arbeitstagen)</translation>
    </message>
    <message>
        <source>Case resolved within (working days)</source>
        <translation>Vorgang erledigt innerhalb von (Arbeitstagen)</translation>
    </message>
    <message>
        <source>Public holidays of</source>
        <translation>Feiertage von</translation>
    </message>
    <message>
        <source>Germany (national holidays only)</source>
        <translation>Deutschland (nur bundesweite Feiertage)</translation>
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
    <message>
        <source>The service targets cannot be used: %1</source>
        <translation>Die Service-Ziele sind so nicht verwendbar: %1</translation>
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
        <source>Starting the demo server…</source>
        <extracomment>set to 1, the app quits right after its main window&apos;s first paint and prints how long that took since the process started (tests/benchmarks/bench_start.py) when this module was imported: the process&apos;s start where /proc cannot tell it printed and quit (before the main loop ran, when the paint came in a dialog&apos;s)</extracomment>
        <translation>Der Demo-Server startet…</translation>
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
        <source>Encrypting the local store (once; a large store takes a few minutes)…</source>
        <translation>Der lokale Datenbestand wird verschlüsselt (einmalig; ein großer Bestand braucht einige Minuten)…</translation>
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
        <extracomment>the commands waiting in the outbox, once the store has told (None until then: the label stays empty rather than say 0 while the store is still opening)</extracomment>
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
    <message numerus="yes">
        <source>%1 change(s)</source>
        <translation>
            <numerusform>%1 Änderung</numerusform>
            <numerusform>%1 Änderungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Outbox: %1 waiting</source>
        <translation>Postausgang: %1 ausstehend</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>Mailbox: connected</source>
        <translation>Postfach verbunden</translation>
    </message>
    <message>
        <source>Mailbox: not connected</source>
        <translation>Postfach nicht verbunden</translation>
    </message>
    <message>
        <source>last mail %1</source>
        <translation>letzte Mail %1</translation>
    </message>
    <message>
        <source>no mail taken yet</source>
        <translation>noch keine Mail abgeholt</translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s) waiting</source>
        <translation>
            <numerusform>%n Antwort wartet</numerusform>
            <numerusform>%n Antworten warten</numerusform>
        </translation>
    </message>
    <message>
        <source>The mail gateway reported at %1: %2</source>
        <translation>Meldung der Postfach-Anbindung vom %1: %2</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>The server cannot be reached; your work waits in the outbox.</source>
        <extracomment>changes a page while the app syncs: decoding a page&apos;s JSON holds the interpreter lock, and pages of 1,000 held it up to about 55 ms, long enough to stall the window the data folder whose evidence/ the outbox&apos;s files are read from (default: the local store&apos;s folder) the desk&apos;s one clock, which the syncer notes its times by {&quot;pulled&quot;: n, &quot;pushed&quot;: n, &quot;refused&quot;: n, &quot;changed&quot;: {kind: frozenset(ids)}} (what the pull wrote, :attr:`.sync.runner.Pulled.changed`) the mail gateway&apos;s state after each sync (contract GatewayState), or None asked for while one ran: another runs when it ends (a command queued meanwhile)</extracomment>
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
<context>
    <name>TableCsv</name>
    <message>
        <source>Export CSV</source>
        <translation>Als CSV exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Save the table as it is shown (a CSV file for spreadsheets)</source>
        <translation>Die Tabelle speichern, wie sie angezeigt wird (CSV-Datei für Tabellenkalkulationen)</translation>
    </message>
</context>
<context>
    <name>TerminateDialog</name>
    <message>
        <source>Terminate for cause</source>
        <extracomment>R23: a notice given before that has not taken effect by `now` R23: the notice&apos;s effective date and the last day to redeem after it</extracomment>
        <translation>Aus wichtigem Grund kündigen</translation>
    </message>
    <message>
        <source>Terminate with notice</source>
        <translation>Ordentlich kündigen</translation>
    </message>
    <message>
        <source>Terminating %1 for cause forfeits the balance of %2 points at once (T8.3, R23).</source>
        <translation>Bei einer Kündigung von %1 aus wichtigem Grund verfällt der Kontostand von %2 X-Points sofort (T8.3, R23).</translation>
    </message>
    <message>
        <source>A notice was already given to %1 on %2: the account stays active until the end of %3 and may redeem until %4 (T8.3, T8.4, R23). Another notice cannot be given while this one runs (the server would refuse it: invalid_state).</source>
        <translation>%1 wurde bereits am %2 gekündigt: das X-Konto bleibt bis zum Ende des %3 aktiv, letzter Tag der Einlösung ist der %4 (T8.3, T8.4, R23). Solange diese Kündigung läuft, ist keine zweite möglich (der Server lehnt sie ab: invalid_state).</translation>
    </message>
    <message>
        <source>Giving %1 notice now (four weeks to a month&apos;s end, T8.3): until the end of %2 the account stays active and earns, transfers and refers as before. From %3 it is terminated: nothing more is earned, and the points left (%4 today) can be redeemed through %5, then they expire (T8.4, R23).</source>
        <translation>Kündigung von %1 jetzt (Kündigungsfrist 4 Wochen zum Monatsende, T8.3): bis zum Ende des %2 bleibt das X-Konto aktiv und sammelt, überträgt und empfiehlt wie bisher. Ab dem %3 ist es gekündigt: es werden keine X-Points mehr gutgeschrieben, und die restlichen X-Points (heute %4) können bis zum %5 eingelöst werden, danach verfallen sie (T8.4, R23).</translation>
    </message>
    <message>
        <source>Effective date</source>
        <translation>Wirksamwerden der Kündigung</translation>
    </message>
    <message>
        <source>Last day to redeem</source>
        <translation>Letzter Tag der Einlösung</translation>
    </message>
    <message>
        <source>I have checked the consequence</source>
        <translation>Ich habe die Folge geprüft</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>A notice already runs; another one cannot be given (R23).</source>
        <translation>Eine Kündigung läuft bereits; eine zweite ist nicht möglich (R23).</translation>
    </message>
    <message>
        <source>Give a reason.</source>
        <translation>Geben Sie einen Grund an.</translation>
    </message>
    <message>
        <source>Confirm that you have checked the consequence.</source>
        <translation>Bestätigen Sie, dass Sie die Folge geprüft haben.</translation>
    </message>
</context>
<context>
    <name>TermsObjectionDialog</name>
    <message>
        <source>Objection to changed terms</source>
        <translation>Widerspruch gegen geänderte Teilnahmebedingungen</translation>
    </message>
    <message>
        <source>Recording this ends %1&apos;s participation (T7.1, R28): the account is closed and its balance of %2 points is forfeited at once (R23).</source>
        <translation>Mit dieser Erfassung endet die Teilnahme von %1 (T7.1, R28): das X-Konto wird geschlossen und sein Kontostand von %2 X-Points verfällt sofort (R23).</translation>
    </message>
    <message>
        <source>I have shown the customer this consequence</source>
        <translation>Ich habe den Kunden auf diese Folge hingewiesen</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Change notice sent (Berlin)</source>
        <translation>Änderungsmitteilung versandt (Berlin)</translation>
    </message>
    <message>
        <source>Objection received (Berlin)</source>
        <translation>Widerspruch eingegangen (Berlin)</translation>
    </message>
    <message>
        <source>The objection cannot be received before the change notice was sent.</source>
        <translation>Der Widerspruch kann nicht vor dem Versand der Änderungsmitteilung eingegangen sein.</translation>
    </message>
    <message>
        <source>In time (deadline %1): participation ends.</source>
        <translation>Fristgerecht (Frist %1): die Teilnahme endet.</translation>
    </message>
    <message>
        <source>Late (the deadline was %1): the changed terms apply; nothing ends.</source>
        <translation>Verspätet (die Frist endete am %1): die geänderten Teilnahmebedingungen gelten; nichts endet.</translation>
    </message>
    <message>
        <source>Confirm that you have shown the customer the consequence.</source>
        <translation>Bestätigen Sie, dass Sie den Kunden auf die Folge hingewiesen haben.</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Show everything</source>
        <translation>Alles zeigen</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Note on the customer, for every desk (Ctrl+Enter adds it)</source>
        <translation>Notiz zum Kunden, für alle Arbeitsplätze (Strg+Eingabe fügt sie hinzu)</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Notiz hinzufügen</translation>
    </message>
    <message>
        <source>Mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Vorgang</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Objection</source>
        <translation>Einwendung</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <source>Adjustment</source>
        <translation>Korrektur</translation>
    </message>
    <message>
        <source>Abuse case</source>
        <translation>Missbrauchsfall</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>Anspruch</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Mitteilung</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Bestellung</translation>
    </message>
    <message>
        <source>Mail received</source>
        <translation>E-Mail erhalten</translation>
    </message>
    <message>
        <source>Reply sent</source>
        <translation>Antwort gesendet</translation>
    </message>
    <message>
        <source>Case %1 opened</source>
        <translation>Vorgang %1 eröffnet</translation>
    </message>
    <message>
        <source>Note on the customer</source>
        <translation>Notiz zum Kunden</translation>
    </message>
    <message>
        <source>Note on the customer (waiting to be sent)</source>
        <translation>Notiz zum Kunden (wartet auf das Senden)</translation>
    </message>
    <message>
        <source>Note on case %1</source>
        <translation>Notiz zu Vorgang %1</translation>
    </message>
    <message>
        <source>Notice of a credit</source>
        <translation>Mitteilung einer Gutschrift</translation>
    </message>
    <message>
        <source>Notice of a reversal</source>
        <translation>Mitteilung einer Stornierung der Gutschrift</translation>
    </message>
    <message>
        <source>Notice of a void</source>
        <translation>Mitteilung einer Nichtigkeit</translation>
    </message>
    <message>
        <source>Notice of an expiry</source>
        <translation>Mitteilung eines Verfalls</translation>
    </message>
    <message>
        <source>Notice of a transfer</source>
        <translation>Mitteilung einer Übertragung</translation>
    </message>
    <message>
        <source>Notice of a forfeit</source>
        <translation>Mitteilung eines Verfalls bei Kündigung</translation>
    </message>
    <message>
        <source>Notice of termination given (R23)</source>
        <translation>Kündigung ausgesprochen (R23)</translation>
    </message>
    <message>
        <source>Order %1 placed</source>
        <translation>Bestellung %1 aufgegeben</translation>
    </message>
    <message>
        <source>Order %1 paid</source>
        <translation>Bestellung %1 bezahlt</translation>
    </message>
    <message>
        <source>Order %1 delivered</source>
        <translation>Bestellung %1 geliefert</translation>
    </message>
    <message>
        <source>Order %1 completed</source>
        <translation>Bestellung %1 abgeschlossen</translation>
    </message>
    <message>
        <source>Order %1 cancelled (in part or in full)</source>
        <translation>Bestellung %1 storniert (ganz oder teilweise)</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Erfasst</translation>
    </message>
    <message>
        <source>Upheld</source>
        <translation>Stattgegeben</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Answered as late</source>
        <translation>Als verspätet beantwortet</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Beantragt</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>Zurückgezogen</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Eröffnet</translation>
    </message>
    <message>
        <source>Claim raised</source>
        <translation>Anspruch erhoben</translation>
    </message>
    <message>
        <source>Invoiced</source>
        <translation>In Rechnung gestellt</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Bezahlt</translation>
    </message>
    <message>
        <source>Written off</source>
        <translation>Abgeschrieben</translation>
    </message>
    <message>
        <source>Dismissed</source>
        <translation>Eingestellt</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>Wieder geöffnet</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n Ereignis</numerusform>
            <numerusform>%n Ereignisse</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued; it is sent with this sync.</source>
        <translation>Vorgemerkt; wird mit dieser Synchronisierung gesendet.</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Add file…</source>
        <translation>Datei hinzufügen…</translation>
    </message>
    <message>
        <source>From lot</source>
        <translation>Aus Gutschriftposten</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
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
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Justification</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Nachweise</translation>
    </message>
    <message>
        <source>The lots that move, oldest first, keeping their dates (R13, R20):</source>
        <translation>Die übertragenen Gutschriftposten, älteste zuerst, mit ihren ursprünglichen Daten (R13, R20):</translation>
    </message>
    <message numerus="yes">
        <source>%n other account(s) of the organisation not offered (another billing account, or not active).</source>
        <translation>
            <numerusform>%n weiteres X-Konto der Organisation wird nicht angeboten (anderes Rechnungskonto oder nicht aktiv).</numerusform>
            <numerusform>%n weitere X-Konten der Organisation werden nicht angeboten (anderes Rechnungskonto oder nicht aktiv).</numerusform>
        </translation>
    </message>
    <message>
        <source>Transfer points between colleagues</source>
        <translation>X-Points zwischen Kollegen übertragen</translation>
    </message>
    <message>
        <source>gives the points (source)</source>
        <translation>gibt die X-Points ab (Quelle)</translation>
    </message>
    <message>
        <source>receives the points (target)</source>
        <translation>erhält die X-Points (Ziel)</translation>
    </message>
    <message>
        <source>Choose the colleague who gives the points</source>
        <translation>Kollegin/Kollegen wählen, die/der die X-Points abgibt</translation>
    </message>
    <message>
        <source>This customer</source>
        <translation>Dieses X-Konto</translation>
    </message>
    <message>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <source>balance %1 points</source>
        <translation>Kontostand %1 X-Points</translation>
    </message>
    <message>
        <source>another billing account</source>
        <translation>anderes Rechnungskonto</translation>
    </message>
    <message>
        <source>not active</source>
        <translation>nicht aktiv</translation>
    </message>
    <message>
        <source>Only colleagues of the same organisation and billing account are offered (R20).</source>
        <translation>Angeboten werden nur Kollegen derselben Organisation und desselben Rechnungskontos (R20).</translation>
    </message>
    <message>
        <source>Already waiting for a team lead: request %1, %2 points from %3 to %4, filed %5 by %6.</source>
        <translation>Wartet bereits auf die Teamleitung: Antrag %1, %2 X-Points von %3 an %4, gestellt am %5 von %6.</translation>
    </message>
    <message>
        <source>Choose the colleague who gives the points.</source>
        <translation>Bitte die Kollegin/den Kollegen wählen, die/der die X-Points abgibt.</translation>
    </message>
    <message>
        <source>No colleague of the same organisation and billing account can receive the points (R20).</source>
        <translation>Kein Kollege derselben Organisation und desselben Rechnungskontos kann die X-Points erhalten (R20).</translation>
    </message>
    <message>
        <source>Required: why we transfer at our discretion</source>
        <translation>Pflichtangabe: warum wir nach unserem Ermessen übertragen</translation>
    </message>
    <message>
        <source>Only for another reason</source>
        <translation>Nur bei sonstigem Grund</translation>
    </message>
    <message>
        <source>Evidence for the transfer</source>
        <translation>Nachweise für die Übertragung</translation>
    </message>
    <message>
        <source>Evidence (*.pdf *.png *.jpg *.jpeg *.eml);;All files (*)</source>
        <translation>Nachweise (*.pdf *.png *.jpg *.jpeg *.eml);;Alle Dateien (*)</translation>
    </message>
    <message numerus="yes">
        <source>The engine allows it: %1 points in %n lot(s), each usable until its own date (R20). A team lead approves it (R21).</source>
        <translation>
            <numerusform>Das Regelwerk lässt es zu: %1 X-Points in %n Gutschriftposten, jeder gültig bis zu seinem eigenen Datum (R20). Die Teamleitung genehmigt die Übertragung (R21).</numerusform>
            <numerusform>Das Regelwerk lässt es zu: %1 X-Points in %n Gutschriftposten, jeder gültig bis zu seinem eigenen Datum (R20). Die Teamleitung genehmigt die Übertragung (R21).</numerusform>
        </translation>
    </message>
    <message>
        <source>A file is still being read; try again in a moment.</source>
        <translation>Eine Datei wird noch gelesen; versuchen Sie es gleich noch einmal.</translation>
    </message>
</context>
<context>
    <name>TransferText</name>
    <message>
        <source>The source left the organisation (T5.2)</source>
        <extracomment>the live check waits this long after the last change (ms) which side of a transfer the dialog&apos;s customer is on (T5.2: either may ask) the colour of a quiet note, and of a warning</extracomment>
        <translation>Der Übertragende ist aus der Organisation ausgeschieden (T5.2)</translation>
    </message>
    <message>
        <source>Reassignment within the organisation (T5.2)</source>
        <translation>Versetzung innerhalb der Organisation (T5.2)</translation>
    </message>
    <message>
        <source>Another reason, at our discretion (T5)</source>
        <translation>Sonstiger Grund, nach unserem Ermessen (T5)</translation>
    </message>
    <message>
        <source>left</source>
        <translation>ausgeschieden</translation>
    </message>
    <message>
        <source>reassignment</source>
        <translation>Versetzung</translation>
    </message>
    <message>
        <source>other</source>
        <translation>sonstiger Grund</translation>
    </message>
</context>
<context>
    <name>TransfersView</name>
    <message>
        <source>Request</source>
        <extracomment>the column of the names (source → target), the one that stretches and elides sign-in name → the name shown outbox id → request id, for decisions sent from here request id → the server&apos;s refusal of a decision sent from here the engine&apos;s review of the selected pending request (R20, R21), and its ask whether `review` was loaded since the last refresh of the queue</extracomment>
        <translation>Antrag</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Beantragt am</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Source → target</source>
        <translation>Quelle → Ziel</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>your decision was refused</source>
        <translation>Ihre Entscheidung wurde abgelehnt</translation>
    </message>
    <message>
        <source>waits for a team lead (R21)</source>
        <translation>wartet auf die Teamleitung (R21)</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>genehmigt</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>zurückgezogen</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>Warten auf Genehmigung</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>Entschieden</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Genehmigen</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Ablehnen…</translation>
    </message>
    <message>
        <source>Decided: %1</source>
        <translation>Entschieden: %1</translation>
    </message>
    <message>
        <source>No transfer request waits for approval.</source>
        <translation>Kein Übertragungsantrag wartet auf Genehmigung.</translation>
    </message>
    <message>
        <source>%1 points from %2 to %3</source>
        <translation>%1 X-Points von %2 an %3</translation>
    </message>
    <message>
        <source>Requested by %1 on %2</source>
        <translation>Beantragt von %1 am %2</translation>
    </message>
    <message>
        <source>Justification</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>Case %1</source>
        <translation>Vorgang %1</translation>
    </message>
    <message>
        <source>No evidence attached.</source>
        <translation>Keine Nachweise beigefügt.</translation>
    </message>
    <message>
        <source>%1 by %2 on %3</source>
        <translation>%1 von %2 am %3</translation>
    </message>
    <message>
        <source>The server refused your decision</source>
        <translation>Der Server hat Ihre Entscheidung abgelehnt</translation>
    </message>
    <message>
        <source>Checking the request with the engine…</source>
        <translation>Der Antrag wird mit der Regel-Engine geprüft…</translation>
    </message>
    <message>
        <source>Before approving (R20, R21)</source>
        <translation>Vor der Genehmigung (R20, R21)</translation>
    </message>
    <message>
        <source>Balance of the source now: %1 points</source>
        <translation>Punktestand der Quelle jetzt: %1 X-Points</translation>
    </message>
    <message>
        <source>Organisation: the same for both accounts, %1</source>
        <translation>Organisation: bei beiden X-Konten dieselbe, %1</translation>
    </message>
    <message>
        <source>Organisation: not the same (R20): source %1, target %2</source>
        <translation>Organisation: nicht dieselbe (R20): Quelle %1, Ziel %2</translation>
    </message>
    <message>
        <source>Billing account: the same for both accounts, %1</source>
        <translation>Rechnungskonto: bei beiden X-Konten dasselbe, %1</translation>
    </message>
    <message>
        <source>Billing account: not the same (R20): source %1, target %2</source>
        <translation>Rechnungskonto: nicht dasselbe (R20): Quelle %1, Ziel %2</translation>
    </message>
    <message>
        <source>The engine refuses the approval now: %1</source>
        <translation>Die Regel-Engine lehnt die Genehmigung jetzt ab: %1</translation>
    </message>
    <message numerus="yes">
        <source>The lots that would move, oldest first (R13), each keeping its dates (R20): %1 points in %n lot(s)</source>
        <translation>
            <numerusform>Diese Gutschriftposten würden übertragen, die ältesten zuerst (R13), jeder mit seinen Daten (R20): %1 X-Points in %n Gutschriftposten</numerusform>
            <numerusform>Diese Gutschriftposten würden übertragen, die ältesten zuerst (R13), jeder mit seinen Daten (R20): %1 X-Points in %n Gutschriftposten</numerusform>
        </translation>
    </message>
    <message>
        <source>From lot</source>
        <translation>Aus Gutschriftposten</translation>
    </message>
    <message>
        <source>Credited</source>
        <translation>Gutgeschrieben</translation>
    </message>
    <message>
        <source>Usable until</source>
        <translation>Gültig bis</translation>
    </message>
    <message>
        <source>The engine allows your approval now.</source>
        <translation>Die Regel-Engine erlaubt Ihre Genehmigung jetzt.</translation>
    </message>
    <message>
        <source>Not approved: %1</source>
        <translation>Nicht genehmigt: %1</translation>
    </message>
    <message>
        <source>Reject the transfer</source>
        <translation>Übertragung ablehnen</translation>
    </message>
    <message>
        <source>Queued; it is sent with this sync.</source>
        <translation>Vorgemerkt; wird mit dieser Synchronisierung gesendet.</translation>
    </message>
    <message>
        <source>The server refused the decision on request %1: %2</source>
        <translation>Der Server hat die Entscheidung über Antrag %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>The server took the decision on request %1.</source>
        <translation>Der Server hat die Entscheidung über Antrag %1 übernommen.</translation>
    </message>
</context>
<context>
    <name>WipeDialog</name>
    <message>
        <source>Sign out and remove local data</source>
        <translation>Abmelden und lokale Daten entfernen</translation>
    </message>
    <message>
        <source>This signs you out and removes from this computer, in %1:</source>
        <translation>Dies meldet Sie ab und entfernt von diesem Computer, in %1:</translation>
    </message>
    <message>
        <source>the local store, its copies and its key</source>
        <translation>den lokalen Datenbestand, seine Kopien und seinen Schlüssel</translation>
    </message>
    <message numerus="yes">
        <source>%n evidence file(s)</source>
        <translation>
            <numerusform>%n Nachweisdatei</numerusform>
            <numerusform>%n Nachweisdateien</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n kept mail(s) and draft(s)</source>
        <translation>
            <numerusform>%n aufbewahrte Mail oder Entwurf</numerusform>
            <numerusform>%n aufbewahrte Mails und Entwürfe</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n other file(s) of the desktop</source>
        <translation>
            <numerusform>%n weitere Datei des Desktops</numerusform>
            <numerusform>%n weitere Dateien des Desktops</numerusform>
        </translation>
    </message>
    <message>
        <source>Everything stays on the server: signing in again syncs it anew. The application quits afterwards.</source>
        <translation>Auf dem Server bleibt alles erhalten: Nach erneuter Anmeldung wird es neu synchronisiert. Die Anwendung wird danach beendet.</translation>
    </message>
    <message>
        <source>Remove local data</source>
        <translation>Lokale Daten entfernen</translation>
    </message>
    <message numerus="yes">
        <source>%n command(s) in the outbox have not reached the server yet. They are lost if the local data is removed now; sync first to keep them.</source>
        <translation>
            <numerusform>%n Befehl im Postausgang hat den Server noch nicht erreicht. Er geht verloren, wenn die lokalen Daten jetzt entfernt werden; synchronisieren Sie zuerst, um ihn zu behalten.</numerusform>
            <numerusform>%n Befehle im Postausgang haben den Server noch nicht erreicht. Sie gehen verloren, wenn die lokalen Daten jetzt entfernt werden; synchronisieren Sie zuerst, um sie zu behalten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove all the same and lose %n unsent command(s)</source>
        <translation>
            <numerusform>Trotzdem entfernen und %n nicht gesendeten Befehl verlieren</numerusform>
            <numerusform>Trotzdem entfernen und %n nicht gesendete Befehle verlieren</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Wiper</name>
    <message>
        <source>A sync is running; try again when it has finished.</source>
        <extracomment>closing the main window ends the app (its last window)</extracomment>
        <translation>Eine Synchronisierung läuft; versuchen Sie es erneut, wenn sie beendet ist.</translation>
    </message>
    <message>
        <source>Local data removed</source>
        <translation>Lokale Daten entfernt</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) were removed from this computer. You are signed out; the application quits now.</source>
        <translation>
            <numerusform>%n Datei wurde von diesem Computer entfernt. Sie sind abgemeldet; die Anwendung wird jetzt beendet.</numerusform>
            <numerusform>%n Dateien wurden von diesem Computer entfernt. Sie sind abgemeldet; die Anwendung wird jetzt beendet.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Wording</name>
    <message>
        <source>Answer an objection as late</source>
        <extracomment>every action the audit log records: the commands and the shop&apos;s events (their `type`), uploads of evidence, and the demo&apos;s marker record (server/demo.py MARKER)</extracomment>
        <translation>Einwendung als verspätet beantworten</translation>
    </message>
    <message>
        <source>Approve an adjustment</source>
        <translation>Korrektur genehmigen</translation>
    </message>
    <message>
        <source>Approve a transfer</source>
        <translation>Übertragung genehmigen</translation>
    </message>
    <message>
        <source>Assign a case</source>
        <translation>Vorgang zuweisen</translation>
    </message>
    <message>
        <source>Close an account</source>
        <translation>X-Konto schließen</translation>
    </message>
    <message>
        <source>Confirm a self-referral</source>
        <translation>Selbstempfehlung bestätigen</translation>
    </message>
    <message>
        <source>File an e-mail as a case</source>
        <translation>E-Mail als Vorgang anlegen</translation>
    </message>
    <message>
        <source>Dismiss an abuse case</source>
        <translation>Missbrauchsfall einstellen</translation>
    </message>
    <message>
        <source>End the program</source>
        <translation>Bonusprogramm beenden</translation>
    </message>
    <message>
        <source>Grant goodwill</source>
        <translation>Kulanz gewähren</translation>
    </message>
    <message>
        <source>Link a case to a customer</source>
        <translation>Vorgang einem Kunden zuordnen</translation>
    </message>
    <message>
        <source>Add a note to a case</source>
        <translation>Notiz zum Vorgang hinzufügen</translation>
    </message>
    <message>
        <source>Add a note to a customer</source>
        <translation>Notiz zu einem Kunden schreiben</translation>
    </message>
    <message>
        <source>Queue a reply for the mail gateway</source>
        <translation>Antwort für die Postfach-Anbindung vormerken</translation>
    </message>
    <message>
        <source>Mail gateway: a reply&apos;s sending state</source>
        <translation>Postfach-Anbindung: Sendestand einer Antwort</translation>
    </message>
    <message>
        <source>Decide a reply that may have been sent</source>
        <translation>Über eine möglicherweise gesendete Antwort entscheiden</translation>
    </message>
    <message>
        <source>Mail gateway: its state reported</source>
        <translation>Postfach-Anbindung: Stand gemeldet</translation>
    </message>
    <message>
        <source>Record an objection to changed terms</source>
        <translation>Widerspruch gegen geänderte Bedingungen erfassen</translation>
    </message>
    <message>
        <source>Open an abuse case</source>
        <translation>Missbrauchsfall eröffnen</translation>
    </message>
    <message>
        <source>Order cancelled (shop)</source>
        <translation>Bestellung storniert (Shop)</translation>
    </message>
    <message>
        <source>Order delivered (shop)</source>
        <translation>Bestellung geliefert (Shop)</translation>
    </message>
    <message>
        <source>Order paid (shop)</source>
        <translation>Bestellung bezahlt (Shop)</translation>
    </message>
    <message>
        <source>Order placed (shop)</source>
        <translation>Bestellung aufgegeben (Shop)</translation>
    </message>
    <message>
        <source>Record an objection</source>
        <translation>Einwendung erfassen</translation>
    </message>
    <message>
        <source>Record a reply&apos;s sending</source>
        <translation>Versand einer Antwort erfassen</translation>
    </message>
    <message>
        <source>Registration (shop)</source>
        <translation>Registrierung (Shop)</translation>
    </message>
    <message>
        <source>Reject an adjustment</source>
        <translation>Korrektur ablehnen</translation>
    </message>
    <message>
        <source>Reject an objection</source>
        <translation>Einwendung zurückweisen</translation>
    </message>
    <message>
        <source>Reject a transfer</source>
        <translation>Übertragung ablehnen</translation>
    </message>
    <message>
        <source>Report suspected abuse</source>
        <translation>Missbrauchsverdacht melden</translation>
    </message>
    <message>
        <source>Request an adjustment</source>
        <translation>Korrektur beantragen</translation>
    </message>
    <message>
        <source>Request a transfer</source>
        <translation>Übertragung beantragen</translation>
    </message>
    <message>
        <source>Change a claim&apos;s state</source>
        <translation>Status eines Anspruchs ändern</translation>
    </message>
    <message>
        <source>Change a case&apos;s status</source>
        <translation>Status eines Vorgangs ändern</translation>
    </message>
    <message>
        <source>Enter a mail&apos;s receipt time</source>
        <translation>Eingangszeit einer E-Mail eintragen</translation>
    </message>
    <message>
        <source>Terminate with notice</source>
        <translation>Ordentlich kündigen</translation>
    </message>
    <message>
        <source>Terminate for cause</source>
        <translation>Aus wichtigem Grund kündigen</translation>
    </message>
    <message>
        <source>Uphold an objection</source>
        <translation>Einwendung stattgeben</translation>
    </message>
    <message>
        <source>Upload evidence</source>
        <translation>Nachweis hochladen</translation>
    </message>
    <message>
        <source>Demo data built</source>
        <translation>Demo-Daten erzeugt</translation>
    </message>
    <message>
        <source>Support agent</source>
        <extracomment>every role of the program (R27, domain/permissions.py), as the desk names it; German per GLOSSARY.md</extracomment>
        <translation>Support</translation>
    </message>
    <message>
        <source>Team lead</source>
        <translation>Teamleitung</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>Compliance</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Shop-System</translation>
    </message>
    <message>
        <source>Mail gateway</source>
        <translation>Postfach-Anbindung</translation>
    </message>
    <message numerus="yes">
        <source>(And %Ln more in common.)</source>
        <translation>
            <numerusform>(Und %Ln weiteres gemeinsam.)</numerusform>
            <numerusform>(Und %Ln weitere gemeinsam.)</numerusform>
        </translation>
    </message>
    <message>
        <source>The invitee paid with payment fingerprint %1, as the referrer did.</source>
        <translation>Die eingeladene Person hat mit dem Zahlungsmerkmal %1 bezahlt, wie auch die empfehlende Person.</translation>
    </message>
    <message>
        <source>The invitee and the referrer both registered with the e-mail %1.</source>
        <extracomment>kind → (the server&apos;s sentence, read back; its words in the UI&apos;s language)</extracomment>
        <translation>Die eingeladene und die empfehlende Person haben sich beide mit der E-Mail-Adresse %1 registriert.</translation>
    </message>
    <message>
        <source>The invitee&apos;s e-mail %1 is the referrer&apos;s %2 with a +tag.</source>
        <translation>Die E-Mail-Adresse %1 der eingeladenen Person ist die der empfehlenden Person (%2) mit +Zusatz.</translation>
    </message>
    <message>
        <source>The invitee&apos;s e-mail %1 is the referrer&apos;s %2 with its dots moved.</source>
        <translation>Die E-Mail-Adresse %1 der eingeladenen Person ist die der empfehlenden Person (%2) mit verschobenen Punkten.</translation>
    </message>
    <message>
        <source>The invitee&apos;s e-mail %1 is the referrer&apos;s %2 with look-alike letters.</source>
        <translation>Die E-Mail-Adresse %1 der eingeladenen Person ist die der empfehlenden Person (%2) mit zum Verwechseln ähnlichen Buchstaben.</translation>
    </message>
    <message>
        <source>The invitee&apos;s e-mail %1 is the referrer&apos;s %2 at another domain.</source>
        <translation>Die E-Mail-Adresse %1 der eingeladenen Person ist die der empfehlenden Person (%2) unter einer anderen Domain.</translation>
    </message>
    <message>
        <source>The invitee&apos;s first order %1 was placed by the referrer %2.</source>
        <translation>Die erste Bestellung %1 der eingeladenen Person wurde von der empfehlenden Person %2 aufgegeben.</translation>
    </message>
    <message>
        <source>The invitee&apos;s first order %1 was paid by the referrer %2.</source>
        <translation>Die erste Bestellung %1 der eingeladenen Person wurde von der empfehlenden Person %2 bezahlt.</translation>
    </message>
    <message>
        <source>The invitee signed up on device %1, as the referrer did.</source>
        <translation>Die eingeladene Person hat sich auf dem Gerät %1 registriert, wie auch die empfehlende Person.</translation>
    </message>
    <message>
        <source>The invitee&apos;s delivery address %1 is the referrer&apos;s %2.</source>
        <translation>Die Lieferadresse %1 der eingeladenen Person ist die der empfehlenden Person (%2).</translation>
    </message>
    <message>
        <source>The invitee&apos;s name %1 is the referrer&apos;s %2.</source>
        <translation>Der Name %1 der eingeladenen Person ist der der empfehlenden Person (%2).</translation>
    </message>
    <message>
        <source>The invitee&apos;s phone %1 is the referrer&apos;s %2.</source>
        <translation>Die Telefonnummer %1 der eingeladenen Person ist die der empfehlenden Person (%2).</translation>
    </message>
    <message>
        <source>The invitee signed up from IP %1, as the referrer did (%2).</source>
        <translation>Die eingeladene Person hat sich von der IP %1 registriert, wie auch die empfehlende Person (%2).</translation>
    </message>
    <message>
        <source>The invitee&apos;s billing account %1 is the referrer&apos;s %2, though the invitee is in organisation %3 and the referrer in %4.</source>
        <translation>Das Rechnungskonto %1 der eingeladenen Person ist das der empfehlenden Person (%2), obwohl die eingeladene Person zur Organisation %3 gehört und die empfehlende zu %4.</translation>
    </message>
    <message numerus="yes">
        <source>Referral bonus redeemed: %Ln point(s)</source>
        <translation>
            <numerusform>Empfehlungsbonus eingelöst: %Ln X-Point</numerusform>
            <numerusform>Empfehlungsbonus eingelöst: %Ln X-Points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Redeemed points of a voided lot refunded: %Ln point(s)</source>
        <translation>
            <numerusform>Eingelöste X-Points eines nichtigen Gutschriftpostens erstattet: %Ln X-Point</numerusform>
            <numerusform>Eingelöste X-Points eines nichtigen Gutschriftpostens erstattet: %Ln X-Points</numerusform>
        </translation>
    </message>
    <message>
        <source>Discount code used on order %1</source>
        <extracomment>the reasons the engine gives its claims (domain/engine.py `_claim`), read back</extracomment>
        <translation>Rabatt-Code bei Bestellung %1 eingelöst</translation>
    </message>
    <message>
        <source>Discount of the cancelled order %1 no longer owed</source>
        <translation>Rabatt der stornierten Bestellung %1 nicht mehr geschuldet</translation>
    </message>
</context>
</TS>
