package io.ringtx.participant.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.HandoffAck;
import io.ringtx.protocol.message.HandoffChunk;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.RangeGrant;
import io.ringtx.protocol.message.RangeRequest;
import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.message.RingInfoRequest;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.RocksNodeStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A participant leaving the ring hands every range to the participant that is to own it, and
 * finishes, even when Chord still names a participant that has left or is leaving: the case of
 * one participant leaving right after another. The ring's lookups and the other participants are
 * stand-ins behind the interfaces the keeper uses; the store is a real one.
 */
class RangeKeeperLeaveTest {
  private static final IdSpace SPACE = new IdSpace(16);
  private static final NodeId SELF = new NodeId("p5");
  private static final NodeId P2 = new NodeId("p2");
  private static final NodeId P3 = new NodeId("p3");
  private static final NodeId P4 = new NodeId("p4");
  /** Ours: (0, 32768]. */
  private static final RingRange OURS = new RingRange(SPACE.id(0), SPACE.id(32768));

  @TempDir Path dir;
  private Vertx vertx;
  private RocksNodeStore store;
  private Context context;
  /** The ring as lookups see it: virtual nodes by id. */
  private final Map<RingId, VirtualNode> ring = new ConcurrentHashMap<>();
  /** How each other participant answers, by node; no entry, or null: it does not answer. */
  private final Map<NodeId, Function<Message, Message>> peers = new ConcurrentHashMap<>();
  /** Participants discovery lists beside those in {@link #peers}, that do not answer. */
  private final Set<NodeId> silent = ConcurrentHashMap.newKeySet();
  /** The keys each participant acknowledged having taken. */
  private final Map<NodeId, List<String>> taken = new ConcurrentHashMap<>();
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private List<String> keys;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    store = RocksNodeStore.open(dir.resolve("store"));
    keys = new ArrayList<>();
    List<DataWrite> data = new ArrayList<>();
    for (int i = 0; keys.size() < 40; i++) {
      String k = "acct-" + i;
      if (OURS.contains(SPACE.ofKey(k))) {
        keys.add(k);
        data.add(new DataWrite(k, "100", 1));
      }
    }
    store.write(new WriteSet(List.of(), data, List.of(), true)).get();
    ring.put(OURS.end(), new VirtualNode(SELF, OURS.end()));
  }

  @AfterEach
  void tearDown() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    store.close();
  }

  @Test
  void aParticipantThatLeftAndNoLongerAnswers_isNotGivenTheRange_whileChordStillNamesIt()
      throws Exception {
    // Chord still lists p2's virtual node right after ours, although p2 has left and stopped.
    p2ThenP3AfterUs();
    RangeKeeper keeper = start();

    Future<Void> left = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.stream()
        .filter(s -> s.startsWith("p2 ")).count() >= 2);
    assertThat(left.isComplete()).as("left while the only participant named is silent").isFalse();
    assertThat(sent).doesNotContain("p2 HandoffChunk");

    afterTheRingDropsP2_everyKeyGoesToP3(keeper, left);
  }

  @Test
  void aParticipantThatSaysItIsLeaving_isPassedOver_forTheOneAfterIt() throws Exception {
    ring.put(SPACE.id(40000), new VirtualNode(P3, SPACE.id(40000)));
    ring.put(SPACE.id(50000), new VirtualNode(P4, SPACE.id(50000)));
    peers.put(P3, status(P3, "LEAVING", m -> refuse(P3)));
    peers.put(P4, member(P4));
    RangeKeeper keeper = start();

    await().atMost(Duration.ofSeconds(30)).until(leave(keeper)::isComplete);
    assertThat(taken.get(P4)).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(sent).doesNotContain("p3 HandoffChunk");
    assertLeftWithNothing(keeper);
  }

  @Test
  void aReceiverThatStartsLeavingAndRefusesTheHandOff_isReplaced_andTheNewOneIsRecorded()
      throws Exception {
    ring.put(SPACE.id(40000), new VirtualNode(P3, SPACE.id(40000)));
    ring.put(SPACE.id(50000), new VirtualNode(P4, SPACE.id(50000)));
    // p3 is a member when asked (as the receiver, then before the first chunk goes), then starts
    // leaving before the hand-off reaches it.
    AtomicInteger asked = new AtomicInteger();
    peers.put(P3, m -> {
      if (m instanceof RingInfoRequest) {
        return info(P3, asked.getAndIncrement() < 2 ? "MEMBER" : "LEAVING");
      }
      return refuse(P3);
    });
    // p4 is a member, but puts the hand-off off until the test has seen the new receiver recorded.
    AtomicBoolean open = new AtomicBoolean();
    Function<Message, Message> p4 = member(P4);
    peers.put(P4, m -> m instanceof HandoffChunk && !open.get()
        ? new ErrorReply(ErrorReply.Code.OVERLOADED, "busy") : p4.apply(m));
    RangeKeeper keeper = start();
    Future<Void> left = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(() -> recordedTarget().equals(Set.of("p4")));
    assertThat(left.isComplete()).isFalse();
    assertThat(taken).doesNotContainKey(P3);
    assertThat(sent).contains("p3 HandoffChunk");

    open.set(true);
    await().atMost(Duration.ofSeconds(30)).until(left::isComplete);
    assertThat(left.succeeded()).isTrue();
    assertThat(taken.get(P4)).containsExactlyInAnyOrderElementsOf(keys);
    assertLeftWithNothing(keeper);
  }

  @Test
  void aJoiningParticipantThatStartsLeaving_andRefusesWhatItAskedFor_leavesTheRangeWithUs()
      throws Exception {
    // p4 joins with a virtual node inside our range, asks for its part, then begins to leave.
    RingId point = SPACE.id(16000);
    ring.put(point, new VirtualNode(P4, point));
    peers.put(P4, status(P4, "LEAVING", m -> refuse(P4)));
    ring.put(SPACE.id(50000), new VirtualNode(P3, SPACE.id(50000)));
    peers.put(P3, member(P3));
    RangeKeeper keeper = start();
    Promise<Message> granted = Promise.promise();
    context.runOnContext(v -> keeper.onRangeRequest(new RangeRequest(P4, point),
        granted::complete));
    assertThat(granted.future().toCompletionStage().toCompletableFuture().get())
        .isInstanceOf(RangeGrant.class);

    await().atMost(Duration.ofSeconds(30)).until(() -> keeper.handoffs().isEmpty()
        && keeper.serving().ranges().equals(List.of(OURS)));
    // Asked before anything is sent, p4 answers it is leaving: it is sent nothing.
    assertThat(sent).contains("p4 RingInfoRequest").doesNotContain("p4 HandoffChunk")
        .doesNotContain("p3 HandoffChunk");
    assertThat(taken).isEmpty();
    assertThat(keeper.status()).isEqualTo(RangeKeeper.Status.MEMBER);
    assertThat(store.metaWithPrefix(RangeKeeper.OUT)).as("hand-off records").isEmpty();
    List<String> held = new ArrayList<>();
    store.forEachData((k, v) -> held.add(k));
    assertThat(held).containsExactlyInAnyOrderElementsOf(keys);
    // The ranges written are ours again: a restart serves the whole range.
    RangeKeeper reloaded = RangeKeeper.load(SELF, SPACE, store, 200, List.of(OURS.end()), false,
        List.of());
    assertThat(reloaded.serving().ranges()).containsExactly(OURS);
  }

  @Test
  void aJoiningParticipantToldToLeave_whileARangeIsLanding_handsThatRangeOnBeforeItLeaves()
      throws Exception {
    // We join with one virtual node at 16000, inside p3's range; p3 grants (0, 16000] and sends
    // it in one chunk. The leave comes while that chunk's write is under way: the range is in
    // the ledger but not served yet.
    RingId point = SPACE.id(16000);
    RingRange part = new RingRange(SPACE.id(0), point);
    ring.clear();
    ring.put(point, new VirtualNode(SELF, point));
    ring.put(SPACE.id(40000), new VirtualNode(P3, SPACE.id(40000)));
    Function<Message, Message> p3 = member(P3);
    peers.put(P3, m -> m instanceof RangeRequest ? new RangeGrant("p3-t-0", part) : p3.apply(m));
    List<HandoffChunk.Entry> entries = new ArrayList<>();
    for (int i = 0; entries.size() < 10; i++) {
      if (part.contains(SPACE.ofKey("moved-" + i))) {
        entries.add(new HandoffChunk.Entry("moved-" + i, "7", 3));
      }
    }
    RangeKeeper keeper = RangeKeeper.load(SELF, SPACE, store, 200, List.of(point), true,
        List.of());
    // What we held before the join is not ours: only the keys that arrive count.
    store.write(new WriteSet(List.of(), keys.stream().map(k -> new DataWrite(k, null, 2))
        .toList(), List.of(), true)).get();
    Promise<Message> acked = Promise.promise();
    Promise<Void> left = Promise.promise();
    context.runOnContext(v -> {
      keeper.start(vertx, transport(), lookups(), idleCore());
      keeper.onChunk(new HandoffChunk("p3-t-0", P3, part, 0, true, entries), acked::complete);
      keeper.leave().onComplete(left);
    });

    assertThat(acked.future().toCompletionStage().toCompletableFuture().get())
        .isInstanceOf(HandoffAck.class);
    await().atMost(Duration.ofSeconds(30)).until(left.future()::isComplete);
    assertThat(left.future().succeeded()).isTrue();
    assertThat(taken.get(P3)).as("keys handed on before leaving")
        .containsExactlyInAnyOrderElementsOf(entries.stream().map(HandoffChunk.Entry::key)
            .toList());
    assertLeftWithNothing(keeper);
  }

  @Test
  void aMemberWhoseEveryPeerIsLeaving_givesItsLeaveUp_andStaysWithAllItsRanges() throws Exception {
    // Every other participant in the ring is leaving too (all were told to leave at once).
    ring.put(SPACE.id(40000), new VirtualNode(P3, SPACE.id(40000)));
    ring.put(SPACE.id(50000), new VirtualNode(P4, SPACE.id(50000)));
    peers.put(P3, status(P3, "LEAVING", m -> refuse(P3)));
    peers.put(P4, status(P4, "LEFT", m -> refuse(P4)));
    RangeKeeper keeper = start();

    Future<Void> left = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(left::isComplete);
    assertThat(left.failed()).isTrue();
    assertThat(left.cause().getMessage()).contains("p5 cannot leave the ring")
        .contains("is ours or of a participant leaving the ring")
        .contains("it stays a member and keeps every range it owns");
    assertThat(keeper.status()).isEqualTo(RangeKeeper.Status.MEMBER);
    assertThat(keeper.serving().ranges()).containsExactly(OURS);
    assertThat(sent).noneMatch(s -> s.endsWith("HandoffChunk"));
    assertThat(store.metaWithPrefix(RangeKeeper.OUT)).as("hand-off records").isEmpty();
    RangeKeeper reloaded = RangeKeeper.load(SELF, SPACE, store, 200, List.of(OURS.end()), false,
        List.of());
    assertThat(reloaded.status()).as("status after a restart").isEqualTo(RangeKeeper.Status.MEMBER);
    assertThat(reloaded.serving().ranges()).containsExactly(OURS);

    // Once another participant is a member again, a new leave hands the range to it.
    peers.put(P3, member(P3));
    Future<Void> again = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(again::isComplete);
    assertThat(again.succeeded()).isTrue();
    assertThat(taken.get(P3)).containsExactlyInAnyOrderElementsOf(keys);
    assertLeftWithNothing(keeper);
  }

  @Test
  void aLeaveEnds_onlyOnceNoParticipantIsSendingUsAHandOff() throws Exception {
    ring.put(SPACE.id(50000), new VirtualNode(P3, SPACE.id(50000)));
    peers.put(P3, member(P3));
    // p4 chose us as the receiver of one of its ranges while we were a member, and has not sent
    // it yet (its locks are still draining).
    String toUs = RangeKeeper.describe(new RangeKeeper.Transfer("p4-t-0",
        new RingRange(SPACE.id(40000), SPACE.id(45000)), SELF));
    AtomicBoolean sending = new AtomicBoolean(true);
    peers.put(P4, m -> m instanceof RingInfoRequest
        ? new RingInfo("p4", "LEAVING", List.of(), sending.get() ? List.of(toUs) : List.of(),
            List.of())
        : refuse(P4));
    RangeKeeper keeper = start();

    Future<Void> left = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(() -> taken.getOrDefault(P3, List.of()).size()
        == keys.size() && sent.stream().filter(s -> s.equals("p4 RingInfoRequest")).count() >= 2);
    assertThat(left.isComplete()).as("left while p4 is sending it a hand-off").isFalse();
    assertThat(keeper.status()).isEqualTo(RangeKeeper.Status.LEAVING);

    sending.set(false); // p4's hand-off went to another participant
    await().atMost(Duration.ofSeconds(30)).until(left::isComplete);
    assertThat(left.succeeded()).isTrue();
    assertLeftWithNothing(keeper);
  }

  @Test
  void aLiveParticipantThatDoesNotAnswer_holdsTheLastStepOfALeaveBack_untilDiscoveryDropsIt()
      throws Exception {
    ring.put(SPACE.id(50000), new VirtualNode(P3, SPACE.id(50000)));
    peers.put(P3, member(P3));
    silent.add(P4); // it may be sending us a hand-off: we cannot tell
    RangeKeeper keeper = start();

    Future<Void> left = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(() -> taken.getOrDefault(P3, List.of()).size()
        == keys.size() && sent.stream().filter(s -> s.equals("p4 RingInfoRequest")).count() >= 2);
    assertThat(left.isComplete()).as("left while p4 did not answer").isFalse();

    silent.remove(P4); // its process stopped; discovery dropped it
    await().atMost(Duration.ofSeconds(30)).until(left::isComplete);
    assertThat(left.succeeded()).isTrue();
    assertLeftWithNothing(keeper);
  }

  @Test
  void aHandOffIsToTheParticipantItsDescriptionEndsWith() {
    String d = RangeKeeper.describe(new RangeKeeper.Transfer("p1-x-3",
        new RingRange(SPACE.id(1), SPACE.id(2)), new NodeId("p12")));
    assertThat(RangeKeeper.isTo(d, new NodeId("p12"))).isTrue();
    assertThat(RangeKeeper.isTo(d, new NodeId("p2"))).isFalse();
    assertThat(RangeKeeper.isTo(d, new NodeId("p1"))).isFalse();
  }

  @Test
  void aReceiverThatStopsAnsweringBeforeItIsSentAnything_isPassedOver_onceTheRingDropsIt()
      throws Exception {
    p2ThenP3AfterUs();
    // p2 answers that it is a member once, then its process stops (it left, or went down).
    peers.put(P2, m -> {
      peers.remove(P2);
      return info(P2, "MEMBER");
    });
    RangeKeeper keeper = start();

    Future<Void> left = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(() -> recordedTarget().equals(Set.of("p2"))
        && sent.stream().filter(s -> s.equals("p2 RingInfoRequest")).count() >= 3);
    assertThat(left.isComplete()).isFalse();

    afterTheRingDropsP2_everyKeyGoesToP3(keeper, left);
  }

  @Test
  void aReceiverThatWasSentAChunk_isWaitedFor_evenOnceTheRingNoLongerNamesIt() throws Exception {
    p2ThenP3AfterUs();
    // p2 may have written what it was sent, or taken the range, and does not answer for a while.
    AtomicBoolean answers = new AtomicBoolean();
    Function<Message, Message> p2 = member(P2);
    peers.put(P2, m -> m instanceof RingInfoRequest || answers.get() ? p2.apply(m) : null);
    RangeKeeper keeper = start();

    Future<Void> left = leave(keeper);
    await().atMost(Duration.ofSeconds(30)).until(() -> chunksTo("p2") >= 2);
    ring.remove(SPACE.id(40000));
    long before = chunksTo("p2");
    await().atMost(Duration.ofSeconds(30)).until(() -> chunksTo("p2") >= before + 3);
    assertThat(sent).as("sent to p3").doesNotContain("p3 HandoffChunk");
    assertThat(recordedTarget()).containsExactly("p2");
    assertThat(left.isComplete()).isFalse();

    answers.set(true);
    ring.put(SPACE.id(40000), new VirtualNode(P2, SPACE.id(40000)));
    await().atMost(Duration.ofSeconds(30)).until(left::isComplete);
    assertThat(left.succeeded()).isTrue();
    assertThat(taken.get(P2)).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(taken).doesNotContainKey(P3);
    assertLeftWithNothing(keeper);
  }

  @Test
  void aChunkOfARangeTheReceiverOwns_isRefused_andWritesNothing() throws Exception {
    RangeKeeper keeper = start();
    String key = keys.get(0);
    RingRange overlapping = new RingRange(SPACE.id(30000), SPACE.id(40000));
    List<HandoffChunk.Entry> stale = List.of(new HandoffChunk.Entry(key, "1", 1));
    for (boolean last : List.of(false, true)) {
      Promise<Message> answer = Promise.promise();
      context.runOnContext(v -> keeper.onChunk(
          new HandoffChunk("p2-t-" + last, P2, overlapping, 0, last, stale), answer::complete));
      assertThat(answer.future().toCompletionStage().toCompletableFuture().get())
          .isInstanceOfSatisfying(ErrorReply.class,
              e -> assertThat(e.code()).isEqualTo(ErrorReply.Code.BAD_REQUEST));
    }
    List<String> values = new ArrayList<>();
    store.forEachData((k, v) -> values.add(v.value()));
    assertThat(values).as("values").containsOnly("100");
    assertThat(keeper.serving().ranges()).containsExactly(OURS);
  }

  @Test
  void aHandOffRecordedBeforeItsSentFieldExisted_readsAsNotSent() throws Exception {
    RangeKeeper.Transfer t = new RangeKeeper.Transfer("p5-x-1",
        new RingRange(SPACE.id(1), SPACE.id(2)), P3, true);
    com.fasterxml.jackson.databind.node.ObjectNode old =
        io.ringtx.protocol.codec.Json.MAPPER.valueToTree(t);
    old.remove("sent");
    RangeKeeper.Transfer read = io.ringtx.protocol.codec.Json.MAPPER.treeToValue(old,
        RangeKeeper.Transfer.class);
    assertThat(read).isEqualTo(new RangeKeeper.Transfer("p5-x-1", t.range(), P3, false));
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Stabilisation drops p2, which does not answer: the leave then ends, with every key at p3 and
   * nothing sent to p2.
   */
  private void afterTheRingDropsP2_everyKeyGoesToP3(RangeKeeper keeper, Future<Void> left) {
    ring.remove(SPACE.id(40000));
    await().atMost(Duration.ofSeconds(30)).until(left::isComplete);
    assertThat(left.succeeded()).isTrue();
    assertThat(sent).as("sent to p2").doesNotContain("p2 HandoffChunk");
    assertThat(taken.get(P3)).containsExactlyInAnyOrderElementsOf(keys);
    assertLeftWithNothing(keeper);
  }

  /** After our virtual node in the ring: p2's, then p3's; p3 is a member taking every hand-off. */
  private void p2ThenP3AfterUs() {
    ring.put(SPACE.id(40000), new VirtualNode(P2, SPACE.id(40000)));
    ring.put(SPACE.id(50000), new VirtualNode(P3, SPACE.id(50000)));
    peers.put(P3, member(P3));
  }

  private long chunksTo(String node) {
    return sent.stream().filter(s -> s.equals(node + " HandoffChunk")).count();
  }

  private RangeKeeper start() throws Exception {
    RangeKeeper keeper = RangeKeeper.load(SELF, SPACE, store, 200, List.of(OURS.end()), false,
        List.of(OURS));
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      keeper.start(vertx, transport(), lookups(), idleCore());
      started.complete();
    });
    started.future().toCompletionStage().toCompletableFuture().get();
    return keeper;
  }

  /** A participant core with no transaction holding a lock. */
  private static RangeKeeper.Core idleCore() {
    return new RangeKeeper.Core() {
      @Override
      public Set<String> lockedKeys() {
        return Set.of();
      }

      @Override
      public void raiseVersionFloor(long version) {}
    };
  }

  private Future<Void> leave(RangeKeeper keeper) {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> keeper.leave().onComplete(p));
    return p.future();
  }

  private void assertLeftWithNothing(RangeKeeper keeper) {
    assertThat(keeper.status()).isEqualTo(RangeKeeper.Status.LEFT);
    assertThat(keeper.serving().ranges()).isEmpty();
    assertThat(store.metaWithPrefix(RangeKeeper.OUT)).as("hand-off records").isEmpty();
    List<String> held = new ArrayList<>();
    store.forEachData((k, v) -> {
      if (v.present()) {
        held.add(k);
      }
    });
    assertThat(held).as("keys still held").isEmpty();
  }

  /** The receivers in the hand-off records. */
  private Set<String> recordedTarget() {
    Set<String> out = new java.util.HashSet<>();
    store.metaWithPrefix(RangeKeeper.OUT).values().forEach(b -> {
      try {
        out.add(io.ringtx.protocol.codec.Json.MAPPER.readValue(b, RangeKeeper.Transfer.class)
            .target().value());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return out;
  }

  /** The first virtual node after the target, in the ring as the test has it now. */
  private RangeKeeper.Ring lookups() {
    return new RangeKeeper.Ring() {
      @Override
      public Future<VirtualNode> lookup(RingId target, boolean confirmOwner) {
        return Future.succeededFuture(RingSnapshot.of(SPACE, ring.values()).successor(target));
      }

      @Override
      public void leaveAll() {}

      @Override
      public Future<Set<NodeId>> others() {
        Set<NodeId> live = new java.util.HashSet<>(peers.keySet());
        live.addAll(silent);
        return Future.succeededFuture(live);
      }
    };
  }

  private Transport transport() {
    return Transport.sendingOnly((to, request, timeoutMillis) -> {
      sent.add(to.value() + " " + request.getClass().getSimpleName());
      Function<Message, Message> peer = peers.get(to);
      Message answer = peer == null ? null : peer.apply(request);
      if (answer == null) {
        Promise<Message> p = Promise.promise();
        vertx.setTimer(timeoutMillis, t -> p.fail("no reply from " + to));
        return p.future();
      }
      return Future.succeededFuture(answer);
    });
  }

  /** A member of the ring that takes every hand-off. */
  private Function<Message, Message> member(NodeId node) {
    return status(node, "MEMBER", m -> {
      HandoffChunk c = (HandoffChunk) m;
      c.entries().forEach(e -> taken.computeIfAbsent(node, k -> new CopyOnWriteArrayList<>())
          .add(e.key()));
      return new HandoffAck(c.transferId(), c.chunk());
    });
  }

  private static Function<Message, Message> status(NodeId node, String status,
      Function<Message, Message> chunks) {
    return m -> m instanceof RingInfoRequest ? info(node, status) : chunks.apply(m);
  }

  private static RingInfo info(NodeId node, String status) {
    return new RingInfo(node.value(), status, List.of(), List.of(), List.of());
  }

  /** What a leaving participant answers a hand-off it has not taken. */
  private static Message refuse(NodeId node) {
    return new ErrorReply(ErrorReply.Code.NOT_OWNER, "node " + node + " is leaving");
  }
}
