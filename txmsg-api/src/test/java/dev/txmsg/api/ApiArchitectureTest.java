package dev.txmsg.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The api is the product's face: it imports nothing but the JDK, so that every delivery mode can implement it. */
@AnalyzeClasses(packages = "dev.txmsg.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiArchitectureTest {

    @ArchTest
    static final ArchRule apiDependsOnTheJdkAlone = classes().that().resideInAPackage("dev.txmsg.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.txmsg.api..")
        .because("the api must not import RocketMQ, Spring, MyBatis or anything else");
}
