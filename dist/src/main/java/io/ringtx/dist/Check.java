package io.ringtx.dist;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks of option values. A failed check is a picocli usage error, so the command prints
 * the message and its usage and exits with code 2, before anything is started.
 */
final class Check {
  private Check() {}

  static void atLeast(CommandSpec spec, String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at least " + min + ", was " + value);
    }
  }

  static void atMost(CommandSpec spec, String option, long value, long max) {
    if (value > max) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at most " + max + ", was " + value);
    }
  }

  static void between(CommandSpec spec, String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ParameterException(
          spec.commandLine(),
          option + " must be between " + min + " and " + max + ", was " + value);
    }
  }

  static void notBlank(CommandSpec spec, String option, String value) {
    if (value == null || value.isBlank()) {
      throw new ParameterException(spec.commandLine(), option + " must not be empty");
    }
  }
}
