package io.ringtx.bench.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtx.protocol.codec.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code RESULT} lines printed by the peer scripts ({@code shared/peers/run_all.sh}: etcd
 * transactions, PostgreSQL two-phase commit, Narayana over PostgreSQL) as result files that
 * {@code ringtx bench compare} reads beside RingTx's own, so that one table and one chart hold
 * both ({@code ringtx bench peers}).
 *
 * <p>A line looks like {@code RESULT etcd run=1 transfer conc=64 txns=60498 secs=20
 * txn_per_s=3025 p50_ms=19.26 p99_ms=49.33 conflicts=618 errors=0}: the system, then words
 * (the mode) and {@code name=value} fields in any order.
 */
public final class PeerResults {
  private PeerResults() {}

  /** One peer measurement: its label and a result tree in the shape of {@code result.json}. */
  public record Peer(String label, ObjectNode result) {}

  /**
   * The measurements in {@code lines}; lines that are not {@code RESULT} lines are skipped.
   *
   * @throws IllegalArgumentException naming the line, if a {@code RESULT} line lacks a field
   */
  public static List<Peer> parse(List<String> lines) {
    List<Peer> out = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (!t.startsWith("RESULT ")) {
        continue;
      }
      String[] words = t.split("\\s+");
      String system = words[1];
      Map<String, String> fields = new LinkedHashMap<>();
      List<String> mode = new ArrayList<>();
      for (int i = 2; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        if (eq > 0) {
          fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        } else {
          mode.add(words[i]);
        }
      }
      String how = String.join("-", mode);
      double perSecond = number(fields, "txn_per_s", t);
      long conc = (long) number(fields, "conc", t);
      String run = fields.getOrDefault("run", "1");
      String target = how.isEmpty() ? system : system + " " + how;
      ObjectNode r = Json.MAPPER.createObjectNode();
      r.put("source", t);
      // etcd's "put3" mode writes three keys blindly; every other mode is a bank transfer.
      String workload = mode.contains("put3") ? "put3" : "bank";
      r.putObject("options").put("workload", workload).put("loop", "closed")
          .put("concurrency", conc);
      r.putObject("target").put("kind", target);
      ObjectNode summary = r.putObject("summary").put("committedPerSecond", perSecond);
      if (fields.containsKey("conflicts") && fields.containsKey("txns")) {
        double txns = number(fields, "txns", t);
        double conflicts = number(fields, "conflicts", t);
        summary.put("abortRate", txns + conflicts == 0 ? 0 : conflicts / (txns + conflicts));
      }
      ObjectNode total = r.putObject("latencyMs").putObject("total");
      if (fields.containsKey("p50_ms")) {
        total.put("p50", number(fields, "p50_ms", t));
      }
      if (fields.containsKey("p99_ms")) {
        total.put("p99", number(fields, "p99_ms", t));
      }
      String label = system + (how.isEmpty() ? "" : "-" + how) + "-c" + conc + "-run" + run;
      out.add(new Peer(label.replaceAll("[^A-Za-z0-9._-]", "_"), r));
    }
    return out;
  }

  private static double number(Map<String, String> fields, String name, String line) {
    String v = fields.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no " + name + "= in: " + line);
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + v + " is not a number in: " + line);
    }
  }
}
