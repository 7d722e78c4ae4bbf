package dev.txmsg.rocketmq;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Package rules of the implementation (issue #11): each package depends on the others only along
 * these arrows, and on nothing of txmsg's but the api otherwise.
 *
 * <pre>
 * wire, jdbc, tx, metrics, client  -> nothing of txmsg but the api
 * log, store                       -> jdbc
 * send                             -> wire, log, tx, metrics, client
 * outbox                           -> wire, jdbc, tx, metrics, client, send
 * check                            -> wire, log, store, metrics, client
 * consume                          -> wire, store, tx, metrics, client
 * ops                              -> store, check, consume, outbox
 * the assembly (dev.txmsg.rocketmq) -> everything but autoconfigure
 * autoconfigure                    -> everything
 * </pre>
 */
@AnalyzeClasses(packages = "dev.txmsg.rocketmq", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {

    @ArchTest
    static final ArchRule packagesDependAlongTheArrows = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("wire").definedBy("dev.txmsg.rocketmq.wire..")
        .layer("jdbc").definedBy("dev.txmsg.rocketmq.jdbc..")
        .layer("tx").definedBy("dev.txmsg.rocketmq.tx..")
        .layer("metrics").definedBy("dev.txmsg.rocketmq.metrics..")
        .layer("client").definedBy("dev.txmsg.rocketmq.client..")
        .layer("log").definedBy("dev.txmsg.rocketmq.log..")
        .layer("store").definedBy("dev.txmsg.rocketmq.store..")
        .layer("send").definedBy("dev.txmsg.rocketmq.send..")
        .layer("outbox").definedBy("dev.txmsg.rocketmq.outbox..")
        .layer("check").definedBy("dev.txmsg.rocketmq.check..")
        .layer("consume").definedBy("dev.txmsg.rocketmq.consume..")
        .layer("ops").definedBy("dev.txmsg.rocketmq.ops..")
        .layer("assembly").definedBy("dev.txmsg.rocketmq")
        .layer("autoconfigure").definedBy("dev.txmsg.rocketmq.autoconfigure..")
        .whereLayer("wire").mayNotAccessAnyLayer()
        .whereLayer("jdbc").mayNotAccessAnyLayer()
        .whereLayer("tx").mayNotAccessAnyLayer()
        .whereLayer("metrics").mayNotAccessAnyLayer()
        .whereLayer("client").mayNotAccessAnyLayer()
        .whereLayer("log").mayOnlyAccessLayers("jdbc")
        .whereLayer("store").mayOnlyAccessLayers("jdbc")
        .whereLayer("send").mayOnlyAccessLayers("wire", "log", "tx", "metrics", "client")
        .whereLayer("check").mayOnlyAccessLayers("wire", "log", "store", "metrics", "client")
        .whereLayer("consume").mayOnlyAccessLayers("wire", "store", "tx", "metrics", "client")
        .whereLayer("outbox").mayOnlyAccessLayers("wire", "jdbc", "tx", "metrics", "client", "send")
        .whereLayer("ops").mayOnlyAccessLayers("store", "check", "consume", "outbox")
        .whereLayer("assembly").mayOnlyAccessLayers("wire", "jdbc", "tx", "metrics", "client", "log", "store", "send", "outbox",
            "check", "consume", "ops")
        .whereLayer("autoconfigure").mayOnlyAccessLayers("wire", "jdbc", "tx", "metrics", "client", "log", "store", "send",
            "outbox", "check", "consume", "ops", "assembly");

    /** The sender works without Spring: only the starter and the Spring transaction adapter know it. */
    @ArchTest
    static final ArchRule coreIsFreeOfSpring = noClasses().that().resideInAPackage("dev.txmsg.rocketmq..")
        .and().resideOutsideOfPackages("dev.txmsg.rocketmq.autoconfigure..", "dev.txmsg.rocketmq.tx.spring..")
        .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    /** MyBatis stays inside txmsg's persistence: its configuration is private to txmsg. */
    @ArchTest
    static final ArchRule myBatisStaysInThePersistence = noClasses().that().resideInAPackage("dev.txmsg.rocketmq..")
        .and().resideOutsideOfPackages("dev.txmsg.rocketmq.jdbc..", "dev.txmsg.rocketmq.log..", "dev.txmsg.rocketmq.store..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.ibatis..");
}
