package dev.txmsg.rocketmq.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The operator console: one HTML page (plain HTML and JavaScript, nothing to build) on the management
 * port, at {@code <actuator base>/txmsgconsole}. It shows the counts waiting for an operator, lists
 * dead letters, in-doubt transactions and unpublished outbox messages (filterable), replays and
 * discards them one by one or in bulk (a reason required to discard), finds where a message is, and
 * lists the audit of operator actions. It calls the {@code txmsg} endpoint beside it, so it has that
 * endpoint's security: it is off unless enabled ({@code management.endpoint.txmsgconsole.access=read-only})
 * and exposed ({@code management.endpoints.web.exposure.include=txmsg,txmsgconsole}), and the
 * {@code txmsg} endpoint must be enabled and exposed too. Everything it shows is set as text, never as
 * markup. With Spring Security's CSRF protection, let the page read the token from the
 * {@code XSRF-TOKEN} cookie ({@code http.csrf(csrf -> csrf.spa())}); it sends it back as {@code X-XSRF-TOKEN}.
 */
@WebEndpoint(id = "txmsgconsole", defaultAccess = Access.NONE)
public class TxMsgConsoleEndpoint {

    static final String PAGE_RESOURCE = "dev/txmsg/rocketmq/console/console.html";

    private final String page;

    /** The console, its page read from the class path. */
    public TxMsgConsoleEndpoint() {
        try (InputStream in = Objects.requireNonNull(TxMsgConsoleEndpoint.class.getClassLoader().getResourceAsStream(PAGE_RESOURCE),
            PAGE_RESOURCE)) {
            this.page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's page " + PAGE_RESOURCE, e);
        }
    }

    /** The page. */
    @ReadOperation(produces = "text/html;charset=UTF-8")
    public String page() {
        return page;
    }
}
