package dev.txmsg.rocketmq.autoconfigure.jpa;

import java.math.BigDecimal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An order as a JPA entity, on the same {@code orders} table as the JDBC tests. */
@Entity
@Table(name = "orders")
public class JpaOrder {

    @Id
    private String id;

    private BigDecimal amount;

    protected JpaOrder() {
    }

    public JpaOrder(String id, BigDecimal amount) {
        this.id = id;
        this.amount = amount;
    }

    public String getId() {
        return id;
    }

    public BigDecimal getAmount() {
        return amount;
    }
}
