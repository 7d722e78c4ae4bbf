package dev.txmsg.rocketmq;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Package rules of the implementation. */
@AnalyzeClasses(packages = "dev.txmsg.rocketmq", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {

    /** The sender works without Spring: only the starter and the Spring transaction adapter know it. */
    @ArchTest
    static final ArchRule coreIsFreeOfSpring = noClasses().that().resideInAPackage("dev.txmsg.rocketmq..")
        .and().resideOutsideOfPackages("dev.txmsg.rocketmq.autoconfigure..")
        .and().haveNameNotMatching(".*\\.(SpringLocalTransactions|JoinedSends|CompletingTransactions)(\\$.*)?")
        .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    /** Nothing below the starter reaches up into it. */
    @ArchTest
    static final ArchRule starterIsALeaf = noClasses().that().resideInAPackage("dev.txmsg.rocketmq..")
        .and().resideOutsideOfPackage("dev.txmsg.rocketmq.autoconfigure..")
        .should().dependOnClassesThat().resideInAPackage("dev.txmsg.rocketmq.autoconfigure..");

    /** MyBatis stays inside the transaction log: its configuration is private to txmsg. */
    @ArchTest
    static final ArchRule myBatisStaysInTheLog = noClasses().that().resideInAPackage("dev.txmsg.rocketmq..")
        .and().resideOutsideOfPackage("dev.txmsg.rocketmq.log..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.ibatis..");
}
