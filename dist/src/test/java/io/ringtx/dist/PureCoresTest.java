package io.ringtx.dist;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.util.Random;
import java.util.SplittableRandom;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * STYLE §1: the protocol cores are pure. They take one event at a time and return a step; time,
 * threads, randomness, the network and the disk reach them only as events, so the simulator can
 * drive the very same classes deterministically. Every rule is checked for every core package,
 * and fails if a package is empty, so that a rename cannot silently turn it into a no-op.
 */
class PureCoresTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
          .importPackages("io.ringtx");
  private static final String WHY =
      "the protocol core is pure (STYLE §1): effects belong to the shell, time and randomness"
          + " come in as events";

  @ParameterizedTest
  @ValueSource(strings = {"io.ringtx.participant.core..", "io.ringtx.coordinator.core.."})
  void noIoLibraries(String core) {
    noClasses().that().resideInAPackage(core).should()
        .dependOnClassesThat(
            resideInAnyPackage("io.vertx..", "org.rocksdb..", "com.hazelcast..", "io.netty.."))
        .because(WHY).allowEmptyShould(false).check(CLASSES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.ringtx.participant.core..", "io.ringtx.coordinator.core.."})
  void noThreadsOrConcurrency(String core) {
    noClasses().that().resideInAPackage(core).should()
        .dependOnClassesThat(
            resideInAnyPackage("java.util.concurrent..").or(assignableTo(Thread.class)))
        .because(WHY).allowEmptyShould(false).check(CLASSES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.ringtx.participant.core..", "io.ringtx.coordinator.core.."})
  void noClocks(String core) {
    noClasses().that().resideInAPackage(core).should()
        .dependOnClassesThat(assignableTo(Clock.class))
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethodWhere(describe("a java.time now() method",
            (JavaMethodCall call) -> call.getName().equals("now")
                && call.getTargetOwner().getPackageName().startsWith("java.time")))
        .because(WHY).allowEmptyShould(false).check(CLASSES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.ringtx.participant.core..", "io.ringtx.coordinator.core.."})
  void noRandomness(String core) {
    noClasses().that().resideInAPackage(core).should()
        .dependOnClassesThat(assignableTo(Random.class).or(assignableTo(SplittableRandom.class)))
        .orShould().callMethod(Math.class, "random")
        .because(WHY).allowEmptyShould(false).check(CLASSES);
  }
}
