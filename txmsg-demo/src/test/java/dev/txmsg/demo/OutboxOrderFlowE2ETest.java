package dev.txmsg.demo;

/** The same order flow with both services in outbox mode (txmsg.mode=outbox), configured by a property alone. */
class OutboxOrderFlowE2ETest extends OrderFlowE2ETest {

    @Override
    protected String mode() {
        return "outbox";
    }
}
