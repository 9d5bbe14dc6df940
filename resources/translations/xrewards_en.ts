<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ApprovalsView</name>
    <message numerus="yes">
        <source>R26: adjustments made without approval in the 720 hours before it: %n, together %1 points; with this one %2 points, more than %3.</source>
        <translation>
            <numerusform>R26: adjustments made without approval in the 720 hours before it: %n, together %1 points; with this one %2 points, more than %3.</numerusform>
            <numerusform>R26: adjustments made without approval in the 720 hours before it: %n, together %1 points; with this one %2 points, more than %3.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message numerus="yes">
        <source>%Ln record(s) shown; more with “Load more”</source>
        <translation>
            <numerusform>%Ln record shown; more with “Load more”</numerusform>
            <numerusform>%Ln records shown; more with “Load more”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln record(s)</source>
        <translation>
            <numerusform>%Ln record</numerusform>
            <numerusform>%Ln records</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Chain intact: %Ln record(s) checked.</source>
        <translation>
            <numerusform>Chain intact: %Ln record checked.</numerusform>
            <numerusform>Chain intact: %Ln records checked.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The break shows at %1; the %Ln record(s) before it hold.</source>
        <translation>
            <numerusform>The break shows at %1; the %Ln record before it holds.</numerusform>
            <numerusform>The break shows at %1; the %Ln records before it hold.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Every break (%Ln): </source>
        <translation>
            <numerusform>The break (%Ln): </numerusform>
            <numerusform>Every break (%Ln): </numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message numerus="yes">
        <source>%1 point(s) from %2 to %3, %4</source>
        <translation>
            <numerusform>%1 point from %2 to %3, %4</numerusform>
            <numerusform>%1 points from %2 to %3, %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 point(s), %2</source>
        <translation>
            <numerusform>%1 point, %2</numerusform>
            <numerusform>%1 points, %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n temporary refusal(s))</source>
        <translation>
            <numerusform>(%n temporary refusal)</numerusform>
            <numerusform>(%n temporary refusals)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Adjustment of %1 point(s) (%2), asked by %3; %4</source>
        <translation>
            <numerusform>Adjustment of %1 point (%2), asked by %3; %4</numerusform>
            <numerusform>Adjustment of %1 points (%2), asked by %3; %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CasesView</name>
    <message numerus="yes">
        <source>First reply: by the end of %1 (%n working day(s))</source>
        <translation>
            <numerusform>First reply: by the end of %1 (%n working day)</numerusform>
            <numerusform>First reply: by the end of %1 (%n working days)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resolution: by the end of %1 (%n working day(s))</source>
        <translation>
            <numerusform>Resolution: by the end of %1 (%n working day)</numerusform>
            <numerusform>Resolution: by the end of %1 (%n working days)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open objection(s); the earliest deadline (R25): %1</source>
        <translation>
            <numerusform>%n open objection; the earliest deadline (R25): %1</numerusform>
            <numerusform>%n open objections; the earliest deadline (R25): %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n case(s) chosen:</source>
        <translation>
            <numerusform>%n case chosen:</numerusform>
            <numerusform>%n cases chosen:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n case(s) changed; sent with this sync.</source>
        <translation>
            <numerusform>%n case changed; sent with this sync.</numerusform>
            <numerusform>%n cases changed; sent with this sync.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n case(s) already were and stay as they are.</source>
        <translation>
            <numerusform>%n case already was and stays as it is.</numerusform>
            <numerusform>%n cases already were and stay as they are.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message numerus="yes">
        <source>%1: %Ln point(s) voided (lots %2)</source>
        <translation>
            <numerusform>%1: %Ln point voided (lots %2)</numerusform>
            <numerusform>%1: %Ln points voided (lots %2)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: a claim of %2 for %Ln redeemed point(s) of the referral bonus</source>
        <translation>
            <numerusform>%1: a claim of %2 for %Ln redeemed point of the referral bonus</numerusform>
            <numerusform>%1: a claim of %2 for %Ln redeemed points of the referral bonus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is terminated for cause: %Ln point(s) forfeited (R23).</source>
        <translation>
            <numerusform>%1 is terminated for cause: %Ln point forfeited (R23).</numerusform>
            <numerusform>%1 is terminated for cause: %Ln points forfeited (R23).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CustomerView</name>
    <message numerus="yes">
        <source>%1 (%Ln point(s) per euro)</source>
        <translation>
            <numerusform>%1 (%Ln point per euro)</numerusform>
            <numerusform>%1 (%Ln points per euro)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 point(s)</source>
        <translation>
            <numerusform>%1 point</numerusform>
            <numerusform>%1 points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open case(s)</source>
        <translation>
            <numerusform>%n open case</numerusform>
            <numerusform>%n open cases</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objection(s) to decide</source>
        <translation>
            <numerusform>%n objection to decide</numerusform>
            <numerusform>%n objections to decide</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n transfer(s) pending</source>
        <translation>
            <numerusform>%n transfer pending</numerusform>
            <numerusform>%n transfers pending</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n adjustment(s) pending</source>
        <translation>
            <numerusform>%n adjustment pending</numerusform>
            <numerusform>%n adjustments pending</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n abuse case(s) open</source>
        <translation>
            <numerusform>%n abuse case open</numerusform>
            <numerusform>%n abuse cases open</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open claim(s), %1</source>
        <translation>
            <numerusform>%n open claim, %1</numerusform>
            <numerusform>%n open claims, %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DecideObjectionDialog</name>
    <message numerus="yes">
        <source>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</source>
        <translation>
            <numerusform>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</numerusform>
            <numerusform>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The adjustment is written at once and cites the objection in the ledger (R25). Adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, not more than %3 (R26).</source>
        <translation>
            <numerusform>The adjustment is written at once and cites the objection in the ledger (R25). Adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, not more than %3 (R26).</numerusform>
            <numerusform>The adjustment is written at once and cites the objection in the ledger (R25). Adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, not more than %3 (R26).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message numerus="yes">
        <source>%Ln error(s) since this window opened.</source>
        <translation>
            <numerusform>%Ln error since this window opened.</numerusform>
            <numerusform>%Ln errors since this window opened.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvidencePane</name>
    <message numerus="yes">
        <source>%1 is not on this desktop: files of closed cases are removed from it after %n month(s) and stay on the server. It cannot be fetched from the server now (%2).</source>
        <translation>
            <numerusform>%1 is not on this desktop: files of closed cases are removed from it after %n month and stay on the server. It cannot be fetched from the server now (%2).</numerusform>
            <numerusform>%1 is not on this desktop: files of closed cases are removed from it after %n months and stay on the server. It cannot be fetched from the server now (%2).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LedgerView</name>
    <message numerus="yes">
        <source>(%Ln point(s) per euro)</source>
        <translation>
            <numerusform>(%Ln point per euro)</numerusform>
            <numerusform>(%Ln points per euro)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 point(s) at the end of %2</source>
        <translation>
            <numerusform>%1 point at the end of %2</numerusform>
            <numerusform>%1 points at the end of %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MacroDialog</name>
    <message numerus="yes">
        <source>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</source>
        <translation>
            <numerusform>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</numerusform>
            <numerusform>The adjustment waits for a team lead&apos;s approval (R26): adjustments made without approval in the last 720 hours: %n, together %1 points; with this one %2 points, more than %3. The objection stays open until then.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OrdersView</name>
    <message numerus="yes">
        <source>%1, %Ln point(s) per euro (now)</source>
        <translation>
            <numerusform>%1, %Ln point per euro (now)</numerusform>
            <numerusform>%1, %Ln points per euro (now)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1, %Ln point(s) per euro</source>
        <translation>
            <numerusform>%1, %Ln point per euro</numerusform>
            <numerusform>%1, %Ln points per euro</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s)</source>
        <translation>
            <numerusform>%Ln point</numerusform>
            <numerusform>%Ln points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n ledger entry(s) of this order</source>
        <translation>
            <numerusform>%n ledger entry of this order</numerusform>
            <numerusform>%n ledger entrys of this order</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>%n order</numerusform>
            <numerusform>%n orders</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open</source>
        <translation>
            <numerusform>%n open</numerusform>
            <numerusform>%n open</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncBar</name>
    <message numerus="yes">
        <source>%1 change(s)</source>
        <translation>
            <numerusform>%1 change</numerusform>
            <numerusform>%1 changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s) waiting</source>
        <translation>
            <numerusform>%n reply waiting</numerusform>
            <numerusform>%n replies waiting</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n event</numerusform>
            <numerusform>%n events</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message numerus="yes">
        <source>%n other account(s) of the organisation not offered (another billing account, or not active).</source>
        <translation>
            <numerusform>%n other account of the organisation not offered (another billing account, or not active).</numerusform>
            <numerusform>%n other accounts of the organisation not offered (another billing account, or not active).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The engine allows it: %1 points in %n lot(s), each usable until its own date (R20). A team lead approves it (R21).</source>
        <translation>
            <numerusform>The engine allows it: %1 points in %n lot, each usable until its own date (R20). A team lead approves it (R21).</numerusform>
            <numerusform>The engine allows it: %1 points in %n lots, each usable until its own date (R20). A team lead approves it (R21).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TransfersView</name>
    <message numerus="yes">
        <source>The lots that would move, oldest first (R13), each keeping its dates (R20): %1 points in %n lot(s)</source>
        <translation>
            <numerusform>The lots that would move, oldest first (R13), each keeping its dates (R20): %1 points in %n lot</numerusform>
            <numerusform>The lots that would move, oldest first (R13), each keeping its dates (R20): %1 points in %n lots</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WipeDialog</name>
    <message numerus="yes">
        <source>%n evidence file(s)</source>
        <translation>
            <numerusform>%n evidence file</numerusform>
            <numerusform>%n evidence files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n kept mail(s) and draft(s)</source>
        <translation>
            <numerusform>%n kept mail or draft</numerusform>
            <numerusform>%n kept mails and drafts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n other file(s) of the desktop</source>
        <translation>
            <numerusform>%n other file of the desktop</numerusform>
            <numerusform>%n other files of the desktop</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n command(s) in the outbox have not reached the server yet. They are lost if the local data is removed now; sync first to keep them.</source>
        <translation>
            <numerusform>%n command in the outbox has not reached the server yet. It is lost if the local data is removed now; sync first to keep it.</numerusform>
            <numerusform>%n commands in the outbox have not reached the server yet. They are lost if the local data is removed now; sync first to keep them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove all the same and lose %n unsent command(s)</source>
        <translation>
            <numerusform>Remove all the same and lose %n unsent command</numerusform>
            <numerusform>Remove all the same and lose %n unsent commands</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Wiper</name>
    <message numerus="yes">
        <source>%n file(s) were removed from this computer. You are signed out; the application quits now.</source>
        <translation>
            <numerusform>%n file was removed from this computer. You are signed out; the application quits now.</numerusform>
            <numerusform>%n files were removed from this computer. You are signed out; the application quits now.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Wording</name>
    <message numerus="yes">
        <source>(And %Ln more in common.)</source>
        <translation>
            <numerusform>(And %Ln more in common.)</numerusform>
            <numerusform>(And %Ln more in common.)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Referral bonus redeemed: %Ln point(s)</source>
        <translation>
            <numerusform>Referral bonus redeemed: %Ln point</numerusform>
            <numerusform>Referral bonus redeemed: %Ln points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Redeemed points of a voided lot refunded: %Ln point(s)</source>
        <translation>
            <numerusform>Redeemed points of a voided lot refunded: %Ln point</numerusform>
            <numerusform>Redeemed points of a voided lot refunded: %Ln points</numerusform>
        </translation>
    </message>
</context>
</TS>
