package dev.txmsg.faults.suite;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The suite's report, in Markdown. */
final class Report {

    private Report() {
    }

    static String markdown(List<FaultSuite.Row> rows, FaultSuite.Settings s, Instant started, Duration took) {
        StringBuilder md = new StringBuilder();
        md.append("# txmsg fault-injection report\n\n");
        md.append("- started ").append(started).append(", took ").append(took.toMinutes()).append(" min ")
            .append(took.toSecondsPart()).append(" s; seed ").append(s.seed()).append('\n');
        md.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
            .append(System.getProperty("java.version")).append(", ").append(System.getProperty("os.name")).append(' ')
            .append(System.getProperty("os.arch")).append("; ").append(s.db().display).append(" on ").append(s.db().url("")).append('\n');
        md.append("- both sample services as child JVMs (order, account; a ").append(s.db().display).append(" database each), "
            + (s.brokers() > 1 ? "a RocketMQ cluster of " + s.brokers() + " broker groups (broker-a, broker-b, ...; each topic with 4 "
                + "queues on each) and a name server, each a child JVM; " : "the standalone broker as a child JVM; ")).append(s.orders()).append(" orders per iteration from 4 client threads over 5 fresh accounts, "
            + "each retried with its Idempotency-Key until answered\n");
        md.append("- both services in ").append(s.mode()).append(" mode (txmsg.mode=").append(s.mode()).append(")")
            .append(s.mode().equals("outbox") ? ": messages are outbox rows published by each service's relay after the commit" : "")
            .append('\n');
        if (s.namespace() != null) {
            md.append("- every client in RocketMQ namespace ").append(s.namespace()).append('\n');
        }
        if (s.auditEvents()) {
            md.append("- two messages per order: the order service publishes ORDER_CREATED and ORDER_AUDITED from one local "
                + "transaction (order.audit-events=true), and keeps an audit trail from the second\n");
        }
        md.append("- broker check-back timing, set short for the suite: transactionTimeOut ").append(BrokerProcess.TRANSACTION_TIMEOUT)
            .append(", transactionCheckInterval ").append(BrokerProcess.CHECK_INTERVAL).append(", transactionCheckMax ")
            .append(BrokerProcess.CHECK_MAX).append(", transactionOpBatchInterval 500ms\n");
        md.append("- kill faults end the JVM with Runtime.halt (no shutdown hooks: as SIGKILL) at a random occurrence of "
            + "their point in the first half of the iteration; the killed service is restarted at once\n\n");
        md.append("| fault | what | iterations | orders | fired | inconsistencies |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        int total = 0;
        for (FaultSuite.Row r : rows) {
            md.append("| ").append(r.fault()).append(" | ").append(r.fault().description).append(" | ").append(r.iterations())
                .append(" | ").append(r.orders()).append(" | ").append(r.fired()).append(" | ").append(r.inconsistencies().size())
                .append(" |\n");
            total += r.inconsistencies().size();
        }
        md.append("\nInconsistencies in all: ").append(total).append(".\n");
        for (FaultSuite.Row r : rows) {
            if (!r.inconsistencies().isEmpty()) {
                md.append("\n## ").append(r.fault()).append("\n\n");
                r.inconsistencies().forEach(i -> md.append("- ").append(i).append('\n'));
            }
        }
        md.append("\nChecked after each iteration, once every order settled and every scheduled retry ran (or 3 minutes passed): "
            + "every order PAID or "
            + "CANCELLED; each account's balance = opening balance - its PAID orders, never negative; no order created twice; "
            + "each ORDER_CREATED applied once by the account service and each answer once by the order service; no message "
            + "applied whose transaction did not commit; no dead letter waiting for an operator (DEAD or RETRYING)"
            + (s.auditEvents() ? "; one audit row per order, its ORDER_AUDITED applied once, none for an order that does not exist" : "")
            + ".\n");
        return md.toString();
    }
}
