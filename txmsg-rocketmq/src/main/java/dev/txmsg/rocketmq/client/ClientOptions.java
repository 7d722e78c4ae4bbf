package dev.txmsg.rocketmq.client;

import java.util.Objects;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.AccessChannel;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.remoting.RPCHook;

/**
 * How txmsg's RocketMQ clients — the sender's producer, the consumers, the in-doubt watcher —
 * reach the brokers. Immutable; change it with the {@code with...} methods.
 *
 * <pre>{@code
 * ClientOptions.of("127.0.0.1:9876").withNamespace("tenant-a").withCredentials("ak", "sk");
 * }</pre>
 *
 * @param nameServer    the name server address(es), {@code host:port;host:port}
 * @param namespace     the RocketMQ namespace, or {@code null}
 * @param accessKey     the ACL access key, or {@code null}
 * @param secretKey     the ACL secret key, or {@code null}
 * @param tls           whether to talk to the brokers over TLS; {@code false} leaves RocketMQ's
 *                      default (its {@code tls.enable} system property)
 * @param accessChannel {@code LOCAL} or {@code CLOUD}, or {@code null} for RocketMQ's default
 */
public record ClientOptions(String nameServer, String namespace, String accessKey, String secretKey, boolean tls,
                            String accessChannel) {

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public ClientOptions {
        if (nameServer == null || nameServer.isBlank()) {
            throw new IllegalArgumentException("nameServer is required (host:port of the RocketMQ name server)");
        }
        namespace = blankToNull(namespace);
        accessKey = blankToNull(accessKey);
        secretKey = blankToNull(secretKey);
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("ACL needs both an access key and a secret key, or neither");
        }
        accessChannel = blankToNull(accessChannel);
        if (accessChannel != null) {
            try {
                AccessChannel.valueOf(accessChannel);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("accessChannel must be LOCAL or CLOUD, was " + accessChannel, e);
            }
        }
    }

    /** Options for the name server(s) at {@code nameServer}, no namespace, no ACL, no TLS. */
    public static ClientOptions of(String nameServer) {
        return new ClientOptions(nameServer, null, null, null, false, null);
    }

    /** The same options in namespace {@code namespace} (blank for none). */
    public ClientOptions withNamespace(String namespace) {
        return new ClientOptions(nameServer, namespace, accessKey, secretKey, tls, accessChannel);
    }

    /** The same options signing requests with these ACL credentials (RocketMQ's {@code AclClientRPCHook}). */
    public ClientOptions withCredentials(String accessKey, String secretKey) {
        return new ClientOptions(nameServer, namespace, accessKey, secretKey, tls, accessChannel);
    }

    /** The same options with TLS on or off. */
    public ClientOptions withTls(boolean tls) {
        return new ClientOptions(nameServer, namespace, accessKey, secretKey, tls, accessChannel);
    }

    /** The same options with another access channel ({@code LOCAL} or {@code CLOUD}). */
    public ClientOptions withAccessChannel(String accessChannel) {
        return new ClientOptions(nameServer, namespace, accessKey, secretKey, tls, accessChannel);
    }

    /** The RPC hook that signs requests with the ACL credentials, or {@code null} without credentials. */
    public RPCHook rpcHook() {
        return accessKey == null ? null : new AclClientRPCHook(new SessionCredentials(accessKey, secretKey));
    }

    /** Applies the options to a producer or consumer before it starts. */
    public void applyTo(ClientConfig client) {
        Objects.requireNonNull(client, "client");
        client.setNamesrvAddr(nameServer);
        if (namespace != null) {
            client.setNamespace(namespace);
        }
        if (tls) {
            client.setUseTLS(true);
        }
        if (accessChannel != null) {
            client.setAccessChannel(AccessChannel.valueOf(accessChannel));
        }
        if (accessKey != null) {
            // Signed requests go to the broker's main port only.
            client.setVipChannelEnabled(false);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "ClientOptions[nameServer=" + nameServer + ", namespace=" + namespace + ", acl=" + (accessKey != null)
            + ", tls=" + tls + ", accessChannel=" + accessChannel + "]";
    }
}
