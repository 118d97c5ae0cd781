package io.ringtx.coordinator;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * STYLE §1: the coordinator's protocol core is pure. It takes one event at a time and returns a
 * step; time, threads, randomness, the network and the disk reach it only as events, so the
 * simulator can drive the very same classes deterministically.
 */
@AnalyzeClasses(packages = "io.ringtx.coordinator", importOptions = ImportOption.DoNotIncludeTests.class)
class PureCoreTest {
  private static final String CORE = "io.ringtx.coordinator.core..";
  private static final String WHY =
      "the protocol core is pure (STYLE §1): effects belong to the shell, time and randomness"
          + " come in as events";

  // allowEmptyShould(false): a rename of the core package must not silently turn these rules
  // into no-ops.

  @ArchTest
  static final ArchRule noIoLibraries =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat(
              resideInAnyPackage("io.vertx..", "org.rocksdb..", "com.hazelcast..", "io.netty.."))
          .because(WHY)
          .allowEmptyShould(false);

  @ArchTest
  static final ArchRule noThreadsOrConcurrency =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat(
              resideInAnyPackage("java.util.concurrent..").or(assignableTo(Thread.class)))
          .because(WHY)
          .allowEmptyShould(false);

  @ArchTest
  static final ArchRule noClocks =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat(assignableTo(Clock.class))
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .callMethodWhere(
              describe(
                  "a java.time now() method",
                  (JavaMethodCall call) ->
                      call.getName().equals("now")
                          && call.getTargetOwner().getPackageName().startsWith("java.time")))
          .because(WHY)
          .allowEmptyShould(false);

  @ArchTest
  static final ArchRule noRandomness =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat(
              assignableTo(Random.class).or(assignableTo(SplittableRandom.class)))
          .orShould()
          .callMethod(Math.class, "random")
          .because(WHY)
          .allowEmptyShould(false);
}
