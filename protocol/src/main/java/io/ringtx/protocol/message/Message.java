package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every message exchanged between nodes, and the coordinator's answer to a client. Each has a
 * stable wire name (never a Java class name) so that renaming a class cannot break the wire.
 *
 * <p>Requests and their replies: {@link ReadRequest} → {@link ReadReply}; {@link VoteRequest} →
 * {@link Vote}; {@link ValidateRequest} → {@link Vote}; {@link OnePhaseCommit} → {@link
 * OnePhaseResult}; {@link GlobalDecision} → {@link Ack}; {@link StatusQuery} → {@link
 * StatusReply}; {@link RingBatch} → {@link RingBatchReply} (Chord maintenance between virtual
 * nodes); {@link RingInfoRequest} → {@link RingInfo}; {@link RangeRequest} → {@link RangeGrant};
 * {@link HandoffChunk} → {@link HandoffAck}; any request → {@link ErrorReply} when it cannot be
 * served.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ReadRequest.class, name = "read"),
  @JsonSubTypes.Type(value = ReadReply.class, name = "read-reply"),
  @JsonSubTypes.Type(value = VoteRequest.class, name = "vote-req"),
  @JsonSubTypes.Type(value = ValidateRequest.class, name = "validate"),
  @JsonSubTypes.Type(value = Vote.class, name = "vote"),
  @JsonSubTypes.Type(value = OnePhaseCommit.class, name = "one-phase"),
  @JsonSubTypes.Type(value = OnePhaseResult.class, name = "one-phase-result"),
  @JsonSubTypes.Type(value = GlobalDecision.class, name = "decision"),
  @JsonSubTypes.Type(value = Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = StatusQuery.class, name = "status"),
  @JsonSubTypes.Type(value = StatusReply.class, name = "status-reply"),
  @JsonSubTypes.Type(value = InDoubtQuery.class, name = "indoubt"),
  @JsonSubTypes.Type(value = InDoubtReply.class, name = "indoubt-reply"),
  @JsonSubTypes.Type(value = ErrorReply.class, name = "error"),
  @JsonSubTypes.Type(value = TxResult.class, name = "result"),
  @JsonSubTypes.Type(value = RingBatch.class, name = "ring-batch"),
  @JsonSubTypes.Type(value = RingBatchReply.class, name = "ring-batch-reply"),
  @JsonSubTypes.Type(value = RingInfoRequest.class, name = "ring-info-req"),
  @JsonSubTypes.Type(value = RingInfo.class, name = "ring-info"),
  @JsonSubTypes.Type(value = RangeRequest.class, name = "range-req"),
  @JsonSubTypes.Type(value = RangeGrant.class, name = "range-grant"),
  @JsonSubTypes.Type(value = HandoffChunk.class, name = "handoff-chunk"),
  @JsonSubTypes.Type(value = HandoffAck.class, name = "handoff-ack"),
})
public sealed interface Message
    permits ReadRequest,
        ReadReply,
        VoteRequest,
        ValidateRequest,
        Vote,
        OnePhaseCommit,
        OnePhaseResult,
        GlobalDecision,
        Ack,
        StatusQuery,
        StatusReply,
        InDoubtQuery,
        InDoubtReply,
        ErrorReply,
        TxResult,
        RingBatch,
        RingBatchReply,
        RingInfoRequest,
        RingInfo,
        RangeRequest,
        RangeGrant,
        HandoffChunk,
        HandoffAck {}
