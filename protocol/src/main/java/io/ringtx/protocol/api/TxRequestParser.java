package io.ringtx.protocol.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.ringtx.protocol.codec.Utf8;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the body of {@code POST /v1/txn} into a {@link TxRequest}, or into the list of problems
 * that make it unacceptable (DESIGN §2: bad input answers 400 naming the problem, and nothing
 * reaches the service). Pure: no I/O, no Vert.x; safe to call from any thread; never throws on
 * any input.
 *
 * <p>Accepted shape: {@code {"id"?: string, "reads"?: [{"key": string, "version": integer ≥ 0}],
 * "writes"?: [{"op": "put"|"append", "key": string, "value": string} | {"op": "delete", "key":
 * string}]}}. A field whose value is JSON {@code null} counts as absent. Unknown fields, a field
 * given twice, and a key read twice are errors. Keys must be non-empty; keys and values are
 * measured in UTF-8 bytes against the {@link Limits}; distinct keys of reads and writes together
 * are counted against {@link Limits#maxKeysPerTx()}.
 *
 * <p>The body is read as a stream, never as a tree, so that memory stays proportional to the
 * accepted request; at most {@link #MAX_ERRORS} problems are reported, and parsing stops at the
 * first key beyond the limit.
 */
public final class TxRequestParser {
  /** At most this many problems are listed for one body. */
  public static final int MAX_ERRORS = 20;

  private static final int MAX_QUOTED_CHARS = 60;

  // Same depth bound as the wire codec (Json.MAPPER); strings are bounded by the HTTP body limit
  // rather than by a string limit, so that a large value is reported as value_too_large.
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(Integer.MAX_VALUE)
                  .build())
          .build();

  private final Limits limits;

  /** A parser that checks requests against {@code limits}. */
  public TxRequestParser(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The limits that requests are checked against. */
  public Limits limits() {
    return limits;
  }

  /** What {@link #parse} found: an acceptable request, or the problems. */
  public sealed interface Result permits Accepted, Rejected {}

  /** The body is a valid transaction request. */
  public record Accepted(TxRequest request) implements Result {
    /** Validates the result. */
    public Accepted {
      Objects.requireNonNull(request, "request");
    }
  }

  /** The body is not acceptable; {@code errors} is never empty, the first is the main one. */
  public record Rejected(List<ApiError> errors) implements Result, KeysResult, BatchResult {
    /** Validates and copies the list. */
    public Rejected {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a rejection needs at least one error");
      }
    }

    /** The main problem. */
    public ApiError first() {
      return errors.get(0);
    }
  }

  /** Parses and validates a request body (raw bytes, expected to be UTF-8 JSON). */
  public Result parse(byte[] body) {
    return parseBody(body, "a JSON object", p -> new Walk(p).run(), r -> r);
  }

  /** What {@link #parseBatch} found: the transactions, in order, or the problems. */
  public sealed interface BatchResult permits Batch, Rejected {}

  /** A valid batch: one to {@link #MAX_BATCH_TXNS} transaction requests. */
  public record Batch(List<TxRequest> requests) implements BatchResult {
    /** Copies the list. */
    public Batch {
      requests = List.copyOf(requests);
    }
  }

  /** Most transactions in one {@code POST /v1/txns} body. */
  public static final int MAX_BATCH_TXNS = 1_000;

  /**
   * Parses and validates the body of a batch of commits, {@code {"txns":[<txn>,...]}}: one to
   * {@link #MAX_BATCH_TXNS} objects, each what {@link #parse} accepts. If any is not acceptable
   * the whole batch is rejected (its messages name the item, {@code txns[3]: ...}), so that a
   * rejected batch has done nothing.
   */
  public BatchResult parseBatch(byte[] body) {
    return parseBody(body, "a JSON object {\"txns\":[...]}", this::walkBatch, r -> r);
  }

  private BatchResult walkBatch(JsonParser p) throws IOException {
    List<TxRequest> requests = new ArrayList<>();
    Rejected rejected = walkEnvelope(p, "txns", "transaction objects", (item, index, errors) -> {
      if (index >= MAX_BATCH_TXNS) {
        errors.add(new ApiError(ApiErrorCode.TOO_MANY_TXNS,
            "more than " + MAX_BATCH_TXNS + " transactions in one batch"));
        return false;
      }
      String where = "txns[" + index + "]";
      Result r = new Walk(p).walkOne(item, where);
      if (r instanceof Accepted a) {
        requests.add(a.request());
      } else {
        for (ApiError e : ((Rejected) r).errors()) {
          errors.add(new ApiError(e.code(), where + ": " + e.message()));
        }
      }
      return true;
    });
    if (rejected != null) {
      return rejected;
    }
    if (requests.isEmpty()) {
      return reject(ApiErrorCode.MISSING_FIELD, "txns is empty: send at least one transaction");
    }
    return new Batch(requests);
  }

  /** Walks a parser over a JSON body; returns what it found. */
  private interface BodyWalker<R> {
    R walk(JsonParser p) throws IOException;
  }

  /**
   * The checks every JSON body gets before its walk (not empty, valid UTF-8), and the walk, with
   * every syntax problem answered as a rejection.
   */
  private static <R> R parseBody(
      byte[] body, String expected, BodyWalker<R> walker, Function<Rejected, R> rejected) {
    Objects.requireNonNull(body, "body");
    if (body.length == 0) {
      return rejected.apply(
          reject(ApiErrorCode.MALFORMED_JSON, "request body is empty; expected " + expected));
    }
    int badOffset = Utf8.firstInvalidOffset(body);
    if (badOffset >= 0) {
      return rejected.apply(reject(
          ApiErrorCode.INVALID_UTF8,
          "request body is not valid UTF-8 (first bad byte at offset " + badOffset + ")"));
    }
    try (JsonParser p = utf8Parser(body)) {
      return walker.walk(p);
    } catch (Malformed e) {
      return rejected.apply(reject(ApiErrorCode.MALFORMED_JSON, e.getMessage()));
    } catch (JsonProcessingException e) {
      return rejected.apply(reject(
          ApiErrorCode.MALFORMED_JSON, "request body is not valid JSON: " + describe(e)));
    } catch (IOException | RuntimeException e) {
      // Reading from memory cannot fail; anything else is a parser bug, still answered as a 400
      // so that hostile input can never turn into a 500.
      return rejected.apply(reject(
          ApiErrorCode.MALFORMED_JSON, "request body could not be parsed: " + e));
    }
  }

  /**
   * A parser that reads {@code body} as UTF-8 (already checked to be valid UTF-8). Jackson guesses
   * the encoding of bytes, and takes UTF-16/32 when zero bytes lead or a BOM does; such a body
   * goes through a UTF-8 {@link InputStreamReader}. Every other body (one that starts with a
   * non-zero ASCII byte and has no zero byte among its first four) is read from its bytes,
   * which Jackson then takes as UTF-8 too, without the reader's 8 KiB buffer per request.
   */
  private static JsonParser utf8Parser(byte[] body) throws IOException {
    boolean plain = body[0] > 0;
    for (int i = 1; i < Math.min(4, body.length) && plain; i++) {
      plain = body[i] != 0;
    }
    if (plain) {
      return FACTORY.createParser(body);
    }
    return FACTORY.createParser(
        new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
  }

  /** What {@link #parseKeys} found: the keys to read, or the problems. */
  public sealed interface KeysResult permits Keys, Rejected {}

  /** A valid read body: distinct keys, in the order first named. */
  public record Keys(List<String> keys) implements KeysResult {
    /** Copies the list. */
    public Keys {
      keys = List.copyOf(keys);
    }
  }

  /**
   * Parses and validates the body of a multi-key read, {@code {"keys":["k1","k2",…]}}: one to
   * {@link Limits#maxKeysPerTx()} keys, each checked as {@link #checkKey} checks it; a key named
   * twice is read once.
   */
  public KeysResult parseKeys(byte[] body) {
    return parseBody(body, "a JSON object {\"keys\":[...]}", this::walkKeys, r -> r);
  }

  private KeysResult walkKeys(JsonParser p) throws IOException {
    Set<String> keys = new LinkedHashSet<>();
    Rejected rejected = walkEnvelope(p, "keys", "strings", (k, index, errors) -> {
      String where = "keys[" + index + "]";
      if (k != JsonToken.VALUE_STRING) {
        errors.add(new ApiError(ApiErrorCode.WRONG_TYPE,
            where + " must be a string, not " + describe(k)));
        p.skipChildren();
        return true;
      }
      String key = p.getText();
      Optional<ApiError> problem = checkKey(key, where);
      if (problem.isPresent()) {
        errors.add(problem.get());
      } else if (keys.add(key) && keys.size() == limits.maxKeysPerTx() + 1) {
        errors.add(new ApiError(ApiErrorCode.TOO_MANY_KEYS,
            "more than " + limits.maxKeysPerTx() + " distinct keys to read"));
      }
      return true;
    });
    if (rejected != null) {
      return rejected;
    }
    if (keys.isEmpty()) {
      return reject(ApiErrorCode.MISSING_FIELD, "keys is empty: name at least one key");
    }
    return new Keys(new ArrayList<>(keys));
  }

  /** Takes one element of an envelope's array, whose first token is {@code first}. */
  private interface ElementWalker {
    /** Adds what is wrong with the element to {@code errors}; false stops the walk. */
    boolean element(JsonToken first, int index, List<ApiError> errors) throws IOException;
  }

  /**
   * Walks a body of one field, {@code {"<field>":[...]}}, handing each element of the array to
   * {@code each}; {@code elements} names what the array holds. Null if nothing was wrong (the
   * array may have been empty), else the problems, at most {@link #MAX_ERRORS}.
   */
  private static Rejected walkEnvelope(
      JsonParser p, String field, String elements, ElementWalker each) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new Malformed("request body is blank; expected a JSON object");
    }
    if (t != JsonToken.START_OBJECT) {
      return reject(ApiErrorCode.NOT_AN_OBJECT,
          "request body must be a JSON object, not " + describe(t));
    }
    List<ApiError> errors = new ArrayList<>();
    boolean seen = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (!name.equals(field)) {
        errors.add(new ApiError(ApiErrorCode.UNKNOWN_FIELD,
            "unknown field " + quote(name) + " (expected " + field + ")"));
        p.skipChildren();
      } else if (seen) {
        errors.add(new ApiError(ApiErrorCode.DUPLICATE_FIELD,
            "field '" + field + "' appears more than once"));
        p.skipChildren();
      } else if (v != JsonToken.START_ARRAY) {
        seen = true;
        errors.add(new ApiError(ApiErrorCode.WRONG_TYPE,
            field + " must be an array of " + elements + ", not " + describe(v)));
        p.skipChildren();
      } else {
        seen = true;
        int index = 0;
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          if (e == null) {
            throw new Malformed("request body is not valid JSON: " + field + " is not closed");
          }
          if (!each.element(e, index++, errors)) {
            return new Rejected(errors);
          }
          if (errors.size() >= MAX_ERRORS) {
            return new Rejected(errors.subList(0, MAX_ERRORS));
          }
        }
      }
      if (errors.size() >= MAX_ERRORS) {
        return new Rejected(errors.subList(0, MAX_ERRORS));
      }
    }
    if (p.nextToken() != null) {
      throw new Malformed(
          "request body is not valid JSON: unexpected content after the top-level object");
    }
    if (!seen) {
      errors.add(new ApiError(ApiErrorCode.MISSING_FIELD, "field '" + field + "' is missing"));
    }
    return errors.isEmpty() ? null : new Rejected(errors);
  }

  /**
   * Checks one key against the rules of DESIGN §2 (non-empty, valid UTF-8, at most {@link
   * Limits#maxKeyBytes()} bytes); {@code field} names it in the message.
   */
  public Optional<ApiError> checkKey(String key, String field) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      return Optional.of(new ApiError(ApiErrorCode.INVALID_KEY, field + " is empty"));
    }
    long bytes = utf8Length(key);
    if (bytes < 0) {
      return Optional.of(
          new ApiError(
              ApiErrorCode.INVALID_UTF8,
              field + " contains an unpaired surrogate and cannot be encoded as UTF-8"));
    }
    if (bytes > limits.maxKeyBytes()) {
      return Optional.of(
          new ApiError(
              ApiErrorCode.KEY_TOO_LARGE,
              field
                  + " is "
                  + bytes
                  + " bytes of UTF-8; the limit is "
                  + limits.maxKeyBytes()
                  + " ("
                  + quote(key)
                  + ")"));
    }
    return Optional.empty();
  }

  /** The UTF-8 length of {@code s} in bytes, or -1 if it holds an unpaired surrogate. */
  public static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          n += 4;
          i++;
        } else {
          return -1;
        }
      } else if (Character.isLowSurrogate(c)) {
        return -1;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Renders user input for an error message: single-quoted, abbreviated, with control characters
   * and unpaired surrogates escaped, so that a message is always short, printable and encodable.
   */
  public static String quote(String s) {
    return "'" + printable(s, MAX_QUOTED_CHARS, true) + "'";
  }

  /**
   * {@code s} with control characters, unpaired surrogates and (if asked) quotes and backslashes
   * written as six-character escapes (backslash, 'u', four hex digits), cut after {@code max}
   * characters with "...".
   */
  public static String printable(String s, int max, boolean escapeQuotes) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
    int shown = 0;
    for (int i = 0; i < s.length(); i++) {
      if (shown == max) {
        b.append("...");
        break;
      }
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (c < 0x20
          || c == 0x7f
          || Character.isSurrogate(c)
          || (escapeQuotes && (c == '\'' || c == '\\'))) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
      shown++;
    }
    return b.toString();
  }

  private static Rejected reject(ApiErrorCode code, String message) {
    return new Rejected(List.of(new ApiError(code, message)));
  }

  private static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg == null) {
      msg = e.getClass().getSimpleName();
    }
    // Jackson quotes the offending input (possibly half a surrogate pair): make it printable.
    msg = printable(msg.lines().findFirst().orElse(msg), 200, false);
    var loc = e.getLocation();
    return loc == null
        ? msg
        : msg + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a fractional number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /** A syntax problem found by the walk rather than by Jackson; always the only error. */
  private static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Enough problems were found (or a limit was reached): stop reading. */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  /** The state of one parse: walks the token stream once, collecting the request or errors. */
  private final class Walk {
    private final JsonParser p;
    private final List<ApiError> errors = new ArrayList<>();
    private final Set<String> distinctKeys = new HashSet<>();
    private final Map<String, Integer> readAt = new HashMap<>();
    private final List<ReadItem> reads = new ArrayList<>();
    private final List<WriteOp> writes = new ArrayList<>();
    private TxId id;
    /** The parser's nesting depth around the object being walked. */
    private int baseDepth;

    Walk(JsonParser p) {
      this.p = p;
    }

    Result run() throws IOException {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new Malformed("request body is blank; expected a JSON object");
      }
      Result r = walkOne(t, "request body");
      if (p.nextToken() != null) {
        throw new Malformed(
            "request body is not valid JSON: unexpected content after the top-level object");
      }
      return r;
    }

    /**
     * Walks one transaction object, whose first token {@code t} was just read, to its end (also
     * when it is rejected, so that a batch's next item starts where it should); {@code what}
     * names it in messages.
     */
    Result walkOne(JsonToken t, String what) throws IOException {
      try {
        walkBody(t, what);
      } catch (Stop stop) {
        skipRest();
        return new Rejected(errors);
      }
      if (!errors.isEmpty()) {
        return new Rejected(errors);
      }
      return new Accepted(new TxRequest(id, reads, writes));
    }

    /** After a {@link Stop}: skips to the end of the object being walked (nothing if done). */
    private void skipRest() throws IOException {
      while (depth() > baseDepth) {
        p.nextToken();
        p.skipChildren();
      }
    }

    private int depth() {
      return p.getParsingContext().getNestingDepth();
    }

    private void walkBody(JsonToken t, String what) throws IOException {
      baseDepth = depth() - (t.isStructStart() ? 1 : 0);
      if (t != JsonToken.START_OBJECT) {
        add(ApiErrorCode.NOT_AN_OBJECT, what + " must be a JSON object, not " + describe(t));
        p.skipChildren();
        throw new Stop();
      }
      Set<String> seen = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        boolean known = name.equals("id") || name.equals("reads") || name.equals("writes");
        if (!known) {
          add(
              ApiErrorCode.UNKNOWN_FIELD,
              "unknown field " + quote(name) + " (expected id, reads, writes)");
          p.skipChildren();
        } else if (!seen.add(name)) {
          add(ApiErrorCode.DUPLICATE_FIELD, "field '" + name + "' appears more than once");
          p.skipChildren();
        } else if (name.equals("id")) {
          walkId(v);
        } else if (name.equals("reads")) {
          walkArray("reads", v, true);
        } else {
          walkArray("writes", v, false);
        }
      }
    }

    private void walkId(JsonToken v) throws IOException {
      if (v == JsonToken.VALUE_NULL) {
        return;
      }
      if (v != JsonToken.VALUE_STRING) {
        wrongType("id", "a string", v);
        return;
      }
      String s = p.getText();
      if (TxId.isValid(s)) {
        id = new TxId(s);
      } else {
        add(
            ApiErrorCode.INVALID_ID,
            "id "
                + quote(s)
                + " is not a valid transaction id (1-"
                + TxId.MAX_LENGTH
                + " characters of [A-Za-z0-9._:-])");
      }
    }

    private void walkArray(String field, JsonToken v, boolean isReads) throws IOException {
      if (v == JsonToken.VALUE_NULL) {
        return;
      }
      if (v != JsonToken.START_ARRAY) {
        wrongType(field, "an array", v);
        return;
      }
      int index = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        String where = field + "[" + index + "]";
        if (t != JsonToken.START_OBJECT) {
          wrongType(where, "an object", t);
        } else if (isReads) {
          walkRead(where, index);
        } else {
          walkWrite(where);
        }
        index++;
      }
    }

    private void walkRead(String where, int index) throws IOException {
      String key = null;
      Long version = null;
      boolean keySeen = false;
      boolean versionSeen = false;
      // A field already reported (wrong type, duplicate, bad number) is not also called missing.
      boolean keyBad = false;
      boolean versionBad = false;
      boolean otherBad = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("key")) {
          if (keySeen) {
            duplicate(where, name);
            keyBad = true;
            continue;
          }
          keySeen = true;
          if (v == JsonToken.VALUE_STRING) {
            key = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            wrongType(where + ".key", "a string", v);
            keyBad = true;
          }
        } else if (name.equals("version")) {
          if (versionSeen) {
            duplicate(where, name);
            versionBad = true;
            continue;
          }
          versionSeen = true;
          if (v == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              add(
                  ApiErrorCode.INVALID_VERSION,
                  where + ".version " + abbreviateNumber(p.getText()) + " does not fit in 64 bits");
              versionBad = true;
            } else if (p.getLongValue() < 0) {
              add(
                  ApiErrorCode.INVALID_VERSION,
                  where + ".version must be >= 0, not " + p.getLongValue());
              versionBad = true;
            } else {
              version = p.getLongValue();
            }
          } else if (v != JsonToken.VALUE_NULL) {
            wrongType(where + ".version", "an integer", v);
            versionBad = true;
          }
        } else {
          add(
              ApiErrorCode.UNKNOWN_FIELD,
              "unknown field " + quote(name) + " in " + where + " (expected key, version)");
          p.skipChildren();
          otherBad = true;
        }
      }
      if (key == null && !keyBad) {
        add(ApiErrorCode.MISSING_FIELD, where + ".key is missing");
      }
      if (version == null && !versionBad) {
        add(ApiErrorCode.MISSING_FIELD, where + ".version is missing");
      }
      boolean keyOk = key != null && !keyBad && checkKeyAt(key, where + ".key");
      if (!keyOk || version == null || versionBad || otherBad) {
        return;
      }
      Integer earlier = readAt.putIfAbsent(key, index);
      if (earlier != null) {
        add(
            ApiErrorCode.DUPLICATE_READ,
            where + ".key " + quote(key) + " was already read at reads[" + earlier + "]");
        return;
      }
      countKey(key, where);
      reads.add(new ReadItem(key, version));
    }

    private void walkWrite(String where) throws IOException {
      StringField opField = new StringField();
      StringField keyField = new StringField();
      String value = null;
      JsonToken valueToken = null;
      boolean valueSeen = false;
      boolean valueBad = false;
      boolean otherBad = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "op" -> readString(opField, where, name, v);
          case "key" -> readString(keyField, where, name, v);
          case "value" -> {
            if (valueSeen) {
              duplicate(where, name);
              valueBad = true;
            } else {
              valueSeen = true;
              // Judged after the object: whether a value is allowed depends on op, which may
              // come later in the object.
              valueToken = v == JsonToken.VALUE_NULL ? null : v;
              if (v == JsonToken.VALUE_STRING) {
                value = p.getText();
              } else {
                p.skipChildren();
              }
            }
          }
          default -> {
            add(
                ApiErrorCode.UNKNOWN_FIELD,
                "unknown field " + quote(name) + " in " + where + " (expected op, key, value)");
            p.skipChildren();
            otherBad = true;
          }
        }
      }
      String op = opField.value;
      String key = keyField.value;
      boolean opBad = opField.bad;
      boolean keyBad = keyField.bad;
      WriteOp.Kind kind = null;
      if (op == null) {
        if (!opBad) {
          add(ApiErrorCode.MISSING_FIELD, where + ".op is missing");
        }
        opBad = true;
      } else if (!opBad) {
        kind = kindOf(op);
        if (kind == null) {
          add(
              ApiErrorCode.UNKNOWN_OP,
              where + ".op " + quote(op) + " is not one of put, append, delete");
          opBad = true;
        }
      }
      if (key == null) {
        if (!keyBad) {
          add(ApiErrorCode.MISSING_FIELD, where + ".key is missing");
        }
        keyBad = true;
      } else if (!keyBad && !checkKeyAt(key, where + ".key")) {
        keyBad = true;
      }
      if (kind == WriteOp.Kind.DELETE) {
        if (valueToken != null) {
          add(ApiErrorCode.VALUE_NOT_ALLOWED, where + ".value is not allowed for delete");
          valueBad = true;
        }
      } else if (kind != null && !valueBad) {
        if (valueToken == null) {
          add(ApiErrorCode.MISSING_FIELD, where + ".value is required for " + op);
          valueBad = true;
        } else if (valueToken != JsonToken.VALUE_STRING) {
          add(
              ApiErrorCode.WRONG_TYPE,
              where + ".value must be a string, not " + describe(valueToken));
          valueBad = true;
        } else if (!checkValueAt(value, where + ".value")) {
          valueBad = true;
        }
      }
      if (opBad || keyBad || valueBad || otherBad) {
        return;
      }
      countKey(key, where);
      writes.add(new WriteOp(kind, key, kind == WriteOp.Kind.DELETE ? null : value));
    }

    /** A string field of an object: read once; repeated or not a string makes it bad. */
    private static final class StringField {
      String value;
      boolean seen;
      boolean bad;
    }

    private void readString(StringField f, String where, String name, JsonToken v)
        throws IOException {
      if (f.seen) {
        duplicate(where, name);
        f.bad = true;
        return;
      }
      f.seen = true;
      if (v == JsonToken.VALUE_STRING) {
        f.value = p.getText();
      } else if (v != JsonToken.VALUE_NULL) {
        wrongType(where + "." + name, "a string", v);
        f.bad = true;
      }
    }

    private boolean checkKeyAt(String key, String field) {
      Optional<ApiError> problem = checkKey(key, field);
      problem.ifPresent(this::add);
      return problem.isEmpty();
    }

    private boolean checkValueAt(String value, String field) {
      long bytes = utf8Length(value);
      if (bytes < 0) {
        add(
            ApiErrorCode.INVALID_UTF8,
            field + " contains an unpaired surrogate and cannot be encoded as UTF-8");
        return false;
      }
      if (bytes > limits.maxValueBytes()) {
        add(
            ApiErrorCode.VALUE_TOO_LARGE,
            field
                + " is "
                + bytes
                + " bytes of UTF-8; the limit is "
                + limits.maxValueBytes());
        return false;
      }
      return true;
    }

    private void countKey(String key, String where) {
      if (distinctKeys.add(key) && distinctKeys.size() > limits.maxKeysPerTx()) {
        add(
            ApiErrorCode.TOO_MANY_KEYS,
            "more than "
                + limits.maxKeysPerTx()
                + " distinct keys in one transaction (reads and writes together); the limit"
                + " was passed at "
                + where);
        throw new Stop();
      }
    }

    private void duplicate(String where, String name) throws IOException {
      add(ApiErrorCode.DUPLICATE_FIELD, where + "." + name + " appears more than once");
      p.skipChildren();
    }

    private void wrongType(String field, String expected, JsonToken actual) throws IOException {
      add(
          ApiErrorCode.WRONG_TYPE,
          field + " must be " + expected + ", not " + describe(actual));
      p.skipChildren();
    }

    private void add(ApiErrorCode code, String message) {
      add(new ApiError(code, message));
    }

    private void add(ApiError error) {
      errors.add(error);
      if (errors.size() >= MAX_ERRORS) {
        throw new Stop();
      }
    }
  }

  private static String abbreviateNumber(String digits) {
    return digits.length() <= 30 ? digits : digits.substring(0, 30) + "...";
  }

  private static WriteOp.Kind kindOf(String op) {
    for (WriteOp.Kind k : WriteOp.Kind.values()) {
      if (k.wireName().equals(op)) {
        return k;
      }
    }
    return null;
  }
}
