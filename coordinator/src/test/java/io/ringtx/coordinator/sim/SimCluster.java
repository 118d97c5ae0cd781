package io.ringtx.coordinator.sim;

import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.coordinator.core.CoordinatorCore;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.participant.core.ParticipantCore;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.step.Outbound;
import io.ringtx.protocol.step.Persist;
import io.ringtx.protocol.step.Reply;
import io.ringtx.protocol.step.Send;
import io.ringtx.protocol.step.StateMachine;
import io.ringtx.protocol.step.Step;
import io.ringtx.protocol.step.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One coordinator and three participants, each a real core driven by a simulated shell that
 * does what {@code MachineRunner} does: persist, and only once the write completes send its
 * afterPersist messages and report {@code onPersisted} (or, on failure, drop them and report
 * {@code onPersistFailed}); send requests with a deadline; fire timers. A crashed node loses its
 * core and everything in flight; it restarts from its {@link SimDisk} through {@code recover}.
 */
final class SimCluster {
  static final NodeId COORDINATOR = NodeId.of("c1");
  static final List<NodeId> SHARDS = List.of(NodeId.of("p1"), NodeId.of("p2"), NodeId.of("p3"));
  static final NodeId CLIENT = NodeId.of("client");

  /** What the client sends to the coordinator: {@code begin(id, reads, writes)}. */
  record ClientCommit(TxId id, List<ReadItem> reads, List<WriteOp> writes) {}

  /** Timing of the protocol, in virtual milliseconds. */
  record Timing(
      long requestTimeout,
      long clientTimeout,
      CoordinatorConfig coordinator,
      long readyTimeout,
      long maxQueryBackoff) {}

  final SimScheduler scheduler;
  final Random rnd;
  final SimNetwork network;
  final SimTrace trace;
  final SimRouter router;
  final Timing timing;
  final SimChecker checker;
  private final Map<NodeId, Endpoint> endpoints = new LinkedHashMap<>();
  /**
   * The participants' bound on queued work: tiny in a quarter of the schedules, so that
   * overload refusals (prepares, reads, one-phase commits refused as OVERLOADED) meet crashes,
   * losses and duplicates under the same invariants as everything else.
   */
  final int maxQueuedWork;

  SimCluster(
      SimScheduler scheduler,
      Random rnd,
      SimNetwork network,
      SimTrace trace,
      SimRouter router,
      Timing timing,
      SimChecker checker,
      SimDisk.Options diskOptions) {
    this.scheduler = scheduler;
    this.rnd = rnd;
    this.network = network;
    this.trace = trace;
    this.router = router;
    this.timing = timing;
    this.checker = checker;
    this.maxQueuedWork =
        rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : ParticipantConfig.DEFAULT_MAX_QUEUED_WORK;
    endpoints.put(COORDINATOR, new Node(COORDINATOR, diskOptions));
    for (NodeId p : SHARDS) {
      endpoints.put(p, new Node(p, diskOptions));
    }
    endpoints.put(CLIENT, new ClientEndpoint());
  }

  Node node(NodeId id) {
    return (Node) endpoints.get(id);
  }

  List<Node> nodes() {
    List<Node> out = new ArrayList<>();
    endpoints.values().forEach(e -> {
      if (e instanceof Node n) {
        out.add(n);
      }
    });
    return out;
  }

  void startAll() {
    nodes().forEach(Node::start);
  }

  // ---- request / reply over the simulated network ----

  /** Something that can send requests and receive them. */
  interface Endpoint {
    NodeId id();

    /** Same incarnation and up: callbacks of an older incarnation are dropped. */
    boolean alive(int incarnation);

    int incarnation();

    void handle(NodeId from, Object request, Consumer<Message> reply);
  }

  private static final class Call {
    boolean done;
  }

  /**
   * Sends {@code request} from {@code from} to {@code to}; exactly one of {@code onReply} and
   * {@code onFail} runs (at the deadline if no reply came in time), unless the sender crashed.
   * {@code connection}: client-to-coordinator HTTP, never duplicated and never delivered to a
   * later incarnation of the receiver (its TCP connection died with it).
   */
  void request(
      Endpoint from,
      NodeId to,
      Object request,
      long timeout,
      boolean connection,
      Consumer<Message> onReply,
      Runnable onFail) {
    Call call = new Call();
    int fromInc = from.incarnation();
    Endpoint target = endpoints.get(to);
    int targetInc = target.incarnation();
    scheduler.after(timeout, () -> {
      if (!call.done && from.alive(fromInc)) {
        call.done = true;
        onFail.run();
      }
    });
    network.transmit(from.id(), to, !connection, () -> {
      if (connection ? !target.alive(targetInc) : !target.alive(target.incarnation())) {
        return;
      }
      trace.log(() -> to + " <- " + from.id() + " " + request);
      target.handle(from.id(), request, reply -> {
        checker.replied(request, reply);
        network.transmit(to, from.id(), !connection, () -> {
            if (!call.done && from.alive(fromInc)) {
              call.done = true;
              trace.log(() -> from.id() + " <- " + to + " reply " + reply);
              onReply.accept(reply);
            } else {
              trace.log(() -> from.id() + " <- " + to + " late reply dropped " + reply);
            }
          });
      });
    });
  }

  /** The bank's client: always up, it only sends. */
  private final class ClientEndpoint implements Endpoint {
    @Override
    public NodeId id() {
      return CLIENT;
    }

    @Override
    public boolean alive(int incarnation) {
      return true;
    }

    @Override
    public int incarnation() {
      return 0;
    }

    @Override
    public void handle(NodeId from, Object request, Consumer<Message> reply) {}
  }

  Endpoint client() {
    return endpoints.get(CLIENT);
  }

  // ---- a node: core + shell + disk ----

  final class Node implements Endpoint {
    final NodeId id;
    final SimDisk disk;
    private StateMachine core;
    private boolean up;
    private int incarnation;
    private long nextToken = 1;
    private final Map<Long, Consumer<Message>> pendingReplies = new HashMap<>();
    int crashes;

    Node(NodeId id, SimDisk.Options diskOptions) {
      this.id = id;
      this.disk = new SimDisk(id, scheduler, rnd, checker, diskOptions);
    }

    @Override
    public NodeId id() {
      return id;
    }

    boolean isCoordinator() {
      return id.equals(COORDINATOR);
    }

    boolean up() {
      return up;
    }

    @Override
    public int incarnation() {
      return incarnation;
    }

    @Override
    public boolean alive(int inc) {
      return up && inc == incarnation;
    }

    ParticipantCore participant() {
      return (ParticipantCore) core;
    }

    CoordinatorCore coordinator() {
      return (CoordinatorCore) core;
    }

    /** Starts (or restarts) from the disk alone, as the real nodes do (DESIGN §3 recovery). */
    void start() {
      up = true;
      incarnation++;
      checker.restarted(id);
      long now = scheduler.now();
      if (isCoordinator()) {
        CoordinatorCore c = new CoordinatorCore(id, router, disk, timing.coordinator());
        core = c;
        List<CoordinatorCommit> unfinished = new ArrayList<>();
        for (LogRecord r : disk.latestRecords()) {
          if (r instanceof CoordinatorCommit cc) {
            unfinished.add(cc);
          }
        }
        trace.log(() -> id + " starts, unfinished commits " + unfinished.size());
        run(c.recover(now, unfinished));
      } else {
        ParticipantConfig config =
            new ParticipantConfig(
                timing.readyTimeout(), timing.maxQueryBackoff(), key -> router.ownerOf(key).equals(id),
                maxQueuedWork);
        ParticipantCore p = new ParticipantCore(id, disk, disk, disk.lastVersion(), config);
        core = p;
        List<Prepared> prepared = new ArrayList<>();
        for (LogRecord r : disk.latestRecords()) {
          if (r instanceof Prepared pr) {
            prepared.add(pr);
          }
        }
        trace.log(() -> id + " starts, in doubt " + prepared.size());
        run(p.recover(now, prepared));
      }
    }

    void crash() {
      trace.log(() -> id + " CRASH");
      up = false;
      incarnation++;
      crashes++;
      core = null;
      pendingReplies.clear();
      disk.crash();
    }

    @Override
    public void handle(NodeId from, Object request, Consumer<Message> reply) {
      long token = nextToken++;
      pendingReplies.put(token, reply);
      long now = scheduler.now();
      if (request instanceof ClientCommit c) {
        run(coordinator().begin(now, token, c.id(), c.reads(), c.writes()));
      } else {
        run(core.onRequest(now, token, from, (Message) request));
      }
    }

    /** Carries out a step, as MachineRunner.run does. */
    void run(Step step) {
      if (!up || step.isEmpty()) {
        return;
      }
      int inc = incarnation;
      for (Persist p : step.persists()) {
        trace.log(() -> id + " persist#" + p.id() + (p.writes().forced() ? " forced " : " lazy ")
            + p.writes().records() + " data=" + p.writes().data().size()
            + " after=" + p.afterPersist());
        disk.submit(p.writes(), ok -> {
          if (!alive(inc)) {
            return;
          }
          long now = scheduler.now();
          if (ok) {
            trace.log(() -> id + " persisted#" + p.id());
            // The write is durable: now, and only now, its messages may leave.
            p.afterPersist().forEach(this::send);
            run(core.onPersisted(now, p.id()));
          } else {
            trace.log(() -> id + " persist FAILED#" + p.id());
            run(core.onPersistFailed(now, p.id(), "injected disk failure"));
          }
        });
      }
      for (Outbound o : step.sends()) {
        send(o);
      }
      for (Timer t : step.timers()) {
        scheduler.at(Math.max(t.atMillis(), scheduler.now() + 1), () -> {
          if (alive(inc)) {
            run(core.onTimer(scheduler.now(), t));
          }
        });
      }
    }

    private void send(Outbound o) {
      checker.sending(this, o instanceof Reply r ? r.message() : ((Send) o).message());
      if (o instanceof Reply r) {
        Consumer<Message> to = pendingReplies.remove(r.token());
        if (to != null) {
          trace.log(() -> id + " replies " + r.message());
          to.accept(r.message());
        }
      } else if (o instanceof Send s) {
        int inc = incarnation;
        request(
            this,
            s.to(),
            s.message(),
            timing.requestTimeout(),
            false,
            reply -> {
              if (alive(inc)) {
                run(core.onReply(scheduler.now(), s.to(), s.message(), reply));
              }
            },
            () -> {
              if (alive(inc)) {
                trace.log(() -> id + " send to " + s.to() + " failed: " + s.message());
                run(core.onSendFailed(scheduler.now(), s.to(), s.message()));
              }
            });
      }
    }
  }
}
