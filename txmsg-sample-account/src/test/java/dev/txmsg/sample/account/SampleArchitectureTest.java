package dev.txmsg.sample.account;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The sample uses txmsg as an application would: the api, and the starter through configuration only. */
@AnalyzeClasses(packages = "dev.txmsg.sample", importOptions = ImportOption.DoNotIncludeTests.class)
class SampleArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheApi = noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("dev.txmsg.rocketmq..", "dev.txmsg.test..", "org.apache.rocketmq..")
        .because("an application talks to txmsg's api; the starter wires the rest");
}
