package dev.txmsg.rocketmq.autoconfigure;

import dev.txmsg.rocketmq.Mode;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.txmsg.rocketmq.jdbc.SchemaInitialization;

/**
 * txmsg's settings ({@code txmsg.*}). The broker connection, ACL credentials, namespace and TLS
 * come from rocketmq-spring's usual {@code rocketmq.*} properties.
 */
@ConfigurationProperties(prefix = "txmsg")
public class TxMsgProperties implements InitializingBean {

    /** Whether txmsg configures a sender. */
    private boolean enabled = true;

    /**
     * How committed messages reach the broker: half-message (RocketMQ transactional messages, the
     * default) or outbox (a table of the application's database and a relay; see txmsg.outbox.*).
     */
    private Mode mode = Mode.HALF_MESSAGE;

    /**
     * The producer group. Defaults to spring.application.name; there is no shared default, because
     * the broker sends check-backs to any producer of the group and every one must read the same
     * transaction log. Must differ from rocketmq.producer.group.
     */
    private String producerGroup;

    /**
     * Topics the application publishes to. Their routes are fetched at start-up, so that a restarted
     * service receives the check-backs of its in-doubt messages before its first send.
     */
    private List<String> topics = new ArrayList<>();

    /** Name of the transaction-log table; the log's identity lives in {@code <table>_identity}. */
    private String table = "txmsg_tx_log";

    /** When to create txmsg's tables: embedded (H2 only), always, or never. */
    private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

    @NestedConfigurationProperty
    private final SendProperties send = new SendProperties();

    @NestedConfigurationProperty
    private final CheckProperties check = new CheckProperties();

    @NestedConfigurationProperty
    private final RetentionProperties retention = new RetentionProperties();

    @NestedConfigurationProperty
    private final BrokerProperties broker = new BrokerProperties();

    @NestedConfigurationProperty
    private final ResilienceProperties resilience = new ResilienceProperties();

    @NestedConfigurationProperty
    private final ConsumerProperties consumer = new ConsumerProperties();

    @NestedConfigurationProperty
    private final InDoubtProperties inDoubt = new InDoubtProperties();
    private final ReconcileProperties reconcile = new ReconcileProperties();

    @NestedConfigurationProperty
    private final OutboxProperties outbox = new OutboxProperties();

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public OutboxProperties getOutbox() {
        return outbox;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getProducerGroup() {
        return producerGroup;
    }

    public void setProducerGroup(String producerGroup) {
        this.producerGroup = producerGroup;
    }

    public List<String> getTopics() {
        return topics;
    }

    public void setTopics(List<String> topics) {
        this.topics = topics;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public SchemaInitialization getInitializeSchema() {
        return initializeSchema;
    }

    public void setInitializeSchema(SchemaInitialization initializeSchema) {
        this.initializeSchema = initializeSchema;
    }

    public SendProperties getSend() {
        return send;
    }

    public CheckProperties getCheck() {
        return check;
    }

    public RetentionProperties getRetention() {
        return retention;
    }

    public BrokerProperties getBroker() {
        return broker;
    }

    public ResilienceProperties getResilience() {
        return resilience;
    }

    public ConsumerProperties getConsumer() {
        return consumer;
    }

    public InDoubtProperties getInDoubt() {
        return inDoubt;
    }

    public ReconcileProperties getReconcile() {
        return reconcile;
    }

    /**
     * Checks every setting once, when they are bound: a bad value fails start-up with a message
     * naming the property, its value and what is allowed.
     */
    @Override
    public void afterPropertiesSet() {
        Settings.validate(this);
    }
}
