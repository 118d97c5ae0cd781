package io.ringtx.protocol.ring;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * STYLE §1: the ring core is pure — the JDK and protocol ids only; no I/O library, thread,
 * clock or random source — so the simulator drives the very classes the shells run.
 */
@AnalyzeClasses(
    packages = "io.ringtx.protocol.ring",
    importOptions = ImportOption.DoNotIncludeTests.class)
class RingPureCoreTest {
  private static final String RING = "io.ringtx.protocol.ring..";
  private static final String WHY =
      "the ring core is pure (STYLE §1): effects belong to the shell, time comes in as events";

  @ArchTest
  static final ArchRule onlyTheJdkAndProtocolIds =
      classes()
          .that()
          .resideInAPackage(RING)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java.lang..",
              "java.util",
              "java.util.function..",
              "java.util.stream..",
              "java.nio",
              "java.nio.charset..",
              "java.security..",
              "io.ringtx.protocol.ring..",
              "io.ringtx.protocol.id..",
              "io.ringtx.protocol.route..")
          .because(WHY)
          .allowEmptyShould(false);

  @ArchTest
  static final ArchRule noThreadsClocksOrRandomness =
      noClasses()
          .that()
          .resideInAPackage(RING)
          .should()
          .dependOnClassesThat(
              resideInAnyPackage("java.util.concurrent..", "java.time..")
                  .or(assignableTo(Thread.class))
                  .or(assignableTo(Clock.class))
                  .or(assignableTo(Random.class))
                  .or(assignableTo(SplittableRandom.class)))
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .callMethod(Math.class, "random")
          .because(WHY)
          .allowEmptyShould(false);
}
