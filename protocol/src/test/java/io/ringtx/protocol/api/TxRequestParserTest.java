package io.ringtx.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

// DESIGN §2: bad input answers 400 with a JSON error naming the problem; nothing is written.
class TxRequestParserTest {
  /** Small limits so that every limit is easy to cross: key 8 bytes, value 10, 3 keys. */
  static final Limits SMALL = new Limits(8, 10, 3);

  private final TxRequestParser parser = new TxRequestParser(SMALL);

  private TxRequestParser.Result parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private TxRequest accepted(String json) {
    TxRequestParser.Result r = parse(json);
    assertThat(r).as("result of %s", json).isInstanceOf(TxRequestParser.Accepted.class);
    return ((TxRequestParser.Accepted) r).request();
  }

  private List<ApiError> rejected(TxRequestParser.Result r) {
    assertThat(r).isInstanceOf(TxRequestParser.Rejected.class);
    return ((TxRequestParser.Rejected) r).errors();
  }

  // ---- accepted --------------------------------------------------------------------------

  @Test
  void parse_fullRequest_keepsIdReadsAndWritesInOrder() {
    TxRequest r =
        accepted(
            """
            {"id":"c1-7",
             "reads":[{"key":"a","version":3},{"key":"b","version":0}],
             "writes":[{"op":"put","key":"a","value":"x"},
                       {"op":"append","key":"c","value":"yz"},
                       {"op":"delete","key":"b"}]}
            """);
    assertThat(r.id()).isEqualTo(TxId.of("c1-7"));
    assertThat(r.reads()).containsExactly(new ReadItem("a", 3), new ReadItem("b", 0));
    assertThat(r.writes())
        .containsExactly(WriteOp.put("a", "x"), WriteOp.append("c", "yz"), WriteOp.delete("b"));
  }

  @Test
  void parse_emptyObject_isAnEmptyTransactionWithoutId() {
    TxRequest r = accepted("{}");
    assertThat(r.id()).isNull();
    assertThat(r.reads()).isEmpty();
    assertThat(r.writes()).isEmpty();
  }

  @Test
  void parse_nullFields_countAsAbsent() {
    TxRequest r = accepted("{\"id\":null,\"reads\":null,\"writes\":[{\"op\":\"delete\",\"key\":\"k\",\"value\":null}]}");
    assertThat(r.id()).isNull();
    assertThat(r.writes()).containsExactly(WriteOp.delete("k"));
  }

  @Test
  void parse_fieldsInAnyOrder_opAfterValue() {
    TxRequest r = accepted("{\"writes\":[{\"value\":\"v\",\"key\":\"k\",\"op\":\"put\"}]}");
    assertThat(r.writes()).containsExactly(WriteOp.put("k", "v"));
  }

  @Test
  void parse_limitsAreInclusive_andCountUtf8Bytes() {
    // "éééé" is 8 UTF-8 bytes (the key limit); "0123456789" is 10 bytes (the value limit).
    TxRequest r =
        accepted("{\"writes\":[{\"op\":\"put\",\"key\":\"éééé\",\"value\":\"0123456789\"}]}");
    assertThat(r.writes()).hasSize(1);
  }

  @Test
  void parse_sameKeyReadAndWrittenManyTimes_countsOnce() {
    TxRequest r =
        accepted(
            """
            {"reads":[{"key":"a","version":1},{"key":"b","version":1},{"key":"c","version":1}],
             "writes":[{"op":"append","key":"a","value":"1"},{"op":"append","key":"a","value":"2"},
                       {"op":"put","key":"b","value":"3"},{"op":"delete","key":"c"}]}
            """);
    assertThat(r.writes()).hasSize(4);
  }

  @Test
  void parse_emptyValue_isAllowed() {
    assertThat(accepted("{\"writes\":[{\"op\":\"put\",\"key\":\"k\",\"value\":\"\"}]}").writes())
        .containsExactly(WriteOp.put("k", ""));
  }

  @Test
  void parse_supplementaryCharacters_areValid() {
    // U+1F600 is 4 bytes in UTF-8, two chars in Java: a key of two of them is exactly 8 bytes.
    TxRequest r = accepted("{\"writes\":[{\"op\":\"put\",\"key\":\"\\ud83d\\ude00😀\",\"value\":\"v\"}]}");
    assertThat(r.writes().get(0).key()).isEqualTo("😀😀");
  }

  // ---- rejected: every bad input names its problem ---------------------------------------

  static Stream<Arguments> badBodies() {
    String big = "\"" + "x".repeat(11) + "\"";
    return Stream.of(
        // malformed JSON
        bad("", ApiErrorCode.MALFORMED_JSON, "empty"),
        bad("   \n", ApiErrorCode.MALFORMED_JSON, "blank"),
        bad("not json", ApiErrorCode.MALFORMED_JSON, "not valid JSON"),
        bad("{\"reads\":[", ApiErrorCode.MALFORMED_JSON, "not valid JSON"),
        bad("{\"reads\":[]", ApiErrorCode.MALFORMED_JSON, "not valid JSON"),
        bad("{} {}", ApiErrorCode.MALFORMED_JSON, "after the top-level object"),
        bad("{}x", ApiErrorCode.MALFORMED_JSON, "not valid JSON"),
        bad("{'id':'a'}", ApiErrorCode.MALFORMED_JSON, "not valid JSON"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":01}]}", ApiErrorCode.MALFORMED_JSON, "JSON"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"x\ny\"}]}",
            ApiErrorCode.MALFORMED_JSON, "JSON"),
        bad("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}", ApiErrorCode.MALFORMED_JSON,
            "JSON"),
        // not an object
        bad("[]", ApiErrorCode.NOT_AN_OBJECT, "an array"),
        bad("\"tx\"", ApiErrorCode.NOT_AN_OBJECT, "a string"),
        bad("42", ApiErrorCode.NOT_AN_OBJECT, "an integer"),
        bad("null", ApiErrorCode.NOT_AN_OBJECT, "null"),
        // unknown and duplicate fields
        bad("{\"red\":[]}", ApiErrorCode.UNKNOWN_FIELD, "'red'"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":1,\"ts\":5}]}", ApiErrorCode.UNKNOWN_FIELD,
            "'ts' in reads[0]"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"v\",\"ttl\":1}]}",
            ApiErrorCode.UNKNOWN_FIELD, "'ttl' in writes[0]"),
        bad("{\"reads\":[],\"reads\":[]}", ApiErrorCode.DUPLICATE_FIELD, "'reads'"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"key\":\"b\",\"value\":\"v\"}]}",
            ApiErrorCode.DUPLICATE_FIELD, "writes[0].key"),
        // ops
        bad("{\"writes\":[{\"op\":\"upsert\",\"key\":\"a\",\"value\":\"v\"}]}",
            ApiErrorCode.UNKNOWN_OP, "writes[0].op 'upsert'"),
        bad("{\"writes\":[{\"op\":\"PUT\",\"key\":\"a\",\"value\":\"v\"}]}",
            ApiErrorCode.UNKNOWN_OP, "'PUT'"),
        // missing fields
        bad("{\"writes\":[{\"key\":\"a\",\"value\":\"v\"}]}", ApiErrorCode.MISSING_FIELD,
            "writes[0].op"),
        bad("{\"writes\":[{\"op\":\"put\",\"value\":\"v\"}]}", ApiErrorCode.MISSING_FIELD,
            "writes[0].key"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"a\"}]}", ApiErrorCode.MISSING_FIELD,
            "writes[0].value is required for put"),
        bad("{\"writes\":[{\"op\":\"append\",\"key\":\"a\",\"value\":null}]}",
            ApiErrorCode.MISSING_FIELD, "writes[0].value is required for append"),
        bad("{\"reads\":[{\"version\":1}]}", ApiErrorCode.MISSING_FIELD, "reads[0].key"),
        bad("{\"reads\":[{\"key\":\"a\"}]}", ApiErrorCode.MISSING_FIELD, "reads[0].version"),
        bad("{\"reads\":[{\"key\":null,\"version\":1}]}", ApiErrorCode.MISSING_FIELD,
            "reads[0].key"),
        // value on delete
        bad("{\"writes\":[{\"op\":\"delete\",\"key\":\"a\",\"value\":\"v\"}]}",
            ApiErrorCode.VALUE_NOT_ALLOWED, "writes[0].value is not allowed for delete"),
        bad("{\"writes\":[{\"value\":5,\"op\":\"delete\",\"key\":\"a\"}]}",
            ApiErrorCode.VALUE_NOT_ALLOWED, "writes[0].value"),
        // wrong types
        bad("{\"reads\":[{\"key\":\"a\",\"version\":\"5\"}]}", ApiErrorCode.WRONG_TYPE,
            "reads[0].version must be an integer, not a string"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":1.5}]}", ApiErrorCode.WRONG_TYPE,
            "reads[0].version must be an integer"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":1e3}]}", ApiErrorCode.WRONG_TYPE,
            "reads[0].version must be an integer"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":true}]}", ApiErrorCode.WRONG_TYPE,
            "reads[0].version"),
        bad("{\"reads\":[{\"key\":7,\"version\":1}]}", ApiErrorCode.WRONG_TYPE,
            "reads[0].key must be a string"),
        bad("{\"reads\":{}}", ApiErrorCode.WRONG_TYPE, "reads must be an array"),
        bad("{\"writes\":\"put\"}", ApiErrorCode.WRONG_TYPE, "writes must be an array"),
        bad("{\"writes\":[[\"put\",\"a\",\"v\"]]}", ApiErrorCode.WRONG_TYPE,
            "writes[0] must be an object"),
        bad("{\"writes\":[{\"op\":1,\"key\":\"a\",\"value\":\"v\"}]}", ApiErrorCode.WRONG_TYPE,
            "writes[0].op must be a string"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"v\":1}}]}",
            ApiErrorCode.WRONG_TYPE, "writes[0].value must be a string, not an object"),
        bad("{\"id\":12}", ApiErrorCode.WRONG_TYPE, "id must be a string"),
        // versions
        bad("{\"reads\":[{\"key\":\"a\",\"version\":-1}]}", ApiErrorCode.INVALID_VERSION,
            "reads[0].version must be >= 0"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":99999999999999999999}]}",
            ApiErrorCode.INVALID_VERSION, "does not fit in 64 bits"),
        // keys and values
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"\",\"value\":\"v\"}]}",
            ApiErrorCode.INVALID_KEY, "writes[0].key is empty"),
        bad("{\"reads\":[{\"key\":\"\",\"version\":0}]}", ApiErrorCode.INVALID_KEY,
            "reads[0].key is empty"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"123456789\",\"value\":\"v\"}]}",
            ApiErrorCode.KEY_TOO_LARGE, "writes[0].key is 9 bytes of UTF-8; the limit is 8"),
        bad("{\"reads\":[{\"key\":\"ééééé\",\"version\":0}]}", ApiErrorCode.KEY_TOO_LARGE,
            "reads[0].key is 10 bytes"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":" + big + "}]}",
            ApiErrorCode.VALUE_TOO_LARGE, "writes[0].value is 11 bytes of UTF-8; the limit is 10"),
        bad("{\"writes\":[{\"op\":\"append\",\"key\":\"a\",\"value\":\"ééééééé\"}]}",
            ApiErrorCode.VALUE_TOO_LARGE, "writes[0].value is 14 bytes"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"\\ud800\",\"value\":\"v\"}]}",
            ApiErrorCode.INVALID_UTF8, "writes[0].key contains an unpaired surrogate"),
        bad("{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"x\\udc00\"}]}",
            ApiErrorCode.INVALID_UTF8, "writes[0].value"),
        // too many keys, duplicate reads
        bad("{\"writes\":[{\"op\":\"delete\",\"key\":\"a\"},{\"op\":\"delete\",\"key\":\"b\"},"
                + "{\"op\":\"delete\",\"key\":\"c\"},{\"op\":\"delete\",\"key\":\"d\"}]}",
            ApiErrorCode.TOO_MANY_KEYS, "more than 3 distinct keys"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":0},{\"key\":\"b\",\"version\":0}],"
                + "\"writes\":[{\"op\":\"delete\",\"key\":\"c\"},{\"op\":\"delete\",\"key\":\"d\"}]}",
            ApiErrorCode.TOO_MANY_KEYS, "writes[1]"),
        bad("{\"reads\":[{\"key\":\"a\",\"version\":1},{\"key\":\"a\",\"version\":2}]}",
            ApiErrorCode.DUPLICATE_READ, "reads[1].key 'a' was already read at reads[0]"),
        // ids
        bad("{\"id\":\"has space\"}", ApiErrorCode.INVALID_ID, "'has space'"),
        bad("{\"id\":\"\"}", ApiErrorCode.INVALID_ID, "not a valid transaction id"),
        bad("{\"id\":\"" + "a".repeat(129) + "\"}", ApiErrorCode.INVALID_ID,
            "not a valid transaction id"),
        bad("{\"id\":\"a/b\"}", ApiErrorCode.INVALID_ID, "'a/b'"));
  }

  private static Arguments bad(String body, ApiErrorCode code, String messagePart) {
    return Arguments.of(body, code, messagePart);
  }

  @ParameterizedTest(name = "[{index}] {1}: {0}")
  @MethodSource("badBodies")
  void parse_badBody_isRejectedWithCodeAndMessageNamingTheProblem(
      String body, ApiErrorCode code, String messagePart) {
    List<ApiError> errors = rejected(parse(body));
    assertThat(errors.get(0).code()).as("errors %s", errors).isEqualTo(code);
    assertThat(errors.get(0).message()).contains(messagePart);
  }

  @Test
  void parse_invalidUtf8_isRejectedWithTheOffset() {
    byte[] body = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
    List<ApiError> errors = rejected(parser.parse(body));
    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.code()).isEqualTo(ApiErrorCode.INVALID_UTF8);
      assertThat(e.message()).contains("offset 7");
    });
  }

  @Test
  void parse_overlongAndSurrogateEncodings_areInvalidUtf8() {
    byte[] overlong = {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'};
    byte[] cesu = {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '1', '}'};
    assertThat(rejected(parser.parse(overlong)).get(0).code()).isEqualTo(ApiErrorCode.INVALID_UTF8);
    assertThat(rejected(parser.parse(cesu)).get(0).code()).isEqualTo(ApiErrorCode.INVALID_UTF8);
  }

  @Test
  void parse_utf16Body_isNotGuessedButRejected() {
    // Valid UTF-8 bytes (NUL, '{', NUL, '}') that Jackson would otherwise read as UTF-16 "{}".
    byte[] body = "{}".getBytes(StandardCharsets.UTF_16BE);
    assertThat(rejected(parser.parse(body)).get(0).code()).isEqualTo(ApiErrorCode.MALFORMED_JSON);
  }

  @Test
  void parse_utf16LittleEndianBody_isNotGuessedButRejected() {
    // '{', NUL, '}', NUL: starts like an ordinary body, then a zero byte Jackson would take as
    // UTF-16LE.
    byte[] body = "{}".getBytes(StandardCharsets.UTF_16LE);
    assertThat(rejected(parser.parse(body)).get(0).code()).isEqualTo(ApiErrorCode.MALFORMED_JSON);
    byte[] keys = "{\"keys\":[\"a\"]}".getBytes(StandardCharsets.UTF_16LE);
    assertThat(parser.parseKeys(keys)).isInstanceOf(TxRequestParser.Rejected.class);
  }

  @Test
  void parseKeys_multiByteUtf8Keys_areReadAsUtf8() {
    byte[] body = "{\"keys\":[\"счёт\",\"口座\"]}".getBytes(StandardCharsets.UTF_8);
    TxRequestParser.KeysResult parsed = parser.parseKeys(body);
    assertThat(parsed).isInstanceOf(TxRequestParser.Keys.class);
    assertThat(((TxRequestParser.Keys) parsed).keys())
        .containsExactly("счёт", "口座");
  }

  @Test
  void parse_severalProblems_areAllListed() {
    List<ApiError> errors =
        rejected(
            parse(
                "{\"id\":\"bad id\",\"writes\":[{\"op\":\"nope\",\"key\":\"a\"},"
                    + "{\"op\":\"put\",\"key\":\"\",\"value\":\"v\"}],\"extra\":1}"));
    assertThat(errors)
        .extracting(ApiError::code)
        .containsExactly(
            ApiErrorCode.INVALID_ID,
            ApiErrorCode.UNKNOWN_OP,
            ApiErrorCode.INVALID_KEY,
            ApiErrorCode.UNKNOWN_FIELD);
  }

  @Test
  void parse_manyProblems_listAtMostMaxErrors() {
    StringBuilder b = new StringBuilder("{\"writes\":[");
    for (int i = 0; i < 100; i++) {
      b.append(i == 0 ? "" : ",").append("{\"op\":\"nope\",\"key\":\"k\"}");
    }
    List<ApiError> errors = rejected(parse(b.append("]}").toString()));
    assertThat(errors).hasSize(TxRequestParser.MAX_ERRORS);
    assertThat(errors.get(19).message()).contains("writes[19]");
  }

  @Test
  void parse_wrongTypeField_isNotAlsoReportedMissing() {
    List<ApiError> errors = rejected(parse("{\"reads\":[{\"key\":[1,2],\"version\":{}}]}"));
    assertThat(errors)
        .extracting(ApiError::code)
        .containsExactly(ApiErrorCode.WRONG_TYPE, ApiErrorCode.WRONG_TYPE);
  }

  @Test
  void parse_hostileStringsInMessages_areQuotedShortAndPrintable() {
    // The JSON text carries an escape; the parsed field name holds a control character.
    String name = "\\u0001" + "y".repeat(500);
    List<ApiError> errors = rejected(parse("{\"" + name + "\":1}"));
    String message = errors.get(0).message();
    assertThat(message).contains("\\u0001").contains("...").hasSizeLessThan(200);
  }

  @Test
  void quote_escapesUnpairedSurrogatesButKeepsPairs() {
    assertThat(TxRequestParser.quote("a\ud800b😀\udc00")).isEqualTo("'a\\ud800b😀\\udc00'");
    assertThat(TxRequestParser.quote("it's")).isEqualTo("'it\\u0027s'");
  }

  @Test
  void checkKey_namesTheField() {
    assertThat(parser.checkKey("", "key")).hasValueSatisfying(e -> {
      assertThat(e.code()).isEqualTo(ApiErrorCode.INVALID_KEY);
      assertThat(e.message()).isEqualTo("key is empty");
    });
    assertThat(parser.checkKey("123456789", "key"))
        .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ApiErrorCode.KEY_TOO_LARGE));
    assertThat(parser.checkKey("12345678", "key")).isEmpty();
  }

  @Test
  void utf8Length_matchesTheJdkEncoder() {
    for (String s : List.of("", "a", "é", "€", "😀", "a😀é€z")) {
      assertThat(TxRequestParser.utf8Length(s))
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(TxRequestParser.utf8Length("\ud800")).isEqualTo(-1);
    assertThat(TxRequestParser.utf8Length("\udc00a")).isEqualTo(-1);
  }

  // ---- batches ---------------------------------------------------------------------------

  private TxRequestParser.BatchResult batch(String json) {
    return parser.parseBatch(json.getBytes(StandardCharsets.UTF_8));
  }

  private List<ApiError> batchRejected(String json) {
    TxRequestParser.BatchResult r = batch(json);
    assertThat(r).as("result of %s", json).isInstanceOf(TxRequestParser.Rejected.class);
    return ((TxRequestParser.Rejected) r).errors();
  }

  @Test
  void parseBatch_keepsEveryTransactionInOrder() {
    TxRequestParser.BatchResult r = batch("""
        {"txns":[{"id":"t1","writes":[{"op":"put","key":"a","value":"1"}]},
                 {"reads":[{"key":"a","version":2}],"writes":[{"op":"delete","key":"b"}]},
                 {"id":"t1","writes":[{"op":"put","key":"a","value":"1"}]}]}
        """);
    assertThat(r).isInstanceOf(TxRequestParser.Batch.class);
    List<TxRequest> requests = ((TxRequestParser.Batch) r).requests();
    assertThat(requests).hasSize(3);
    assertThat(requests.get(0).id()).isEqualTo(TxId.of("t1"));
    assertThat(requests.get(0).writes()).containsExactly(WriteOp.put("a", "1"));
    assertThat(requests.get(1).id()).isNull();
    assertThat(requests.get(1).reads()).containsExactly(new ReadItem("a", 2));
    assertThat(requests.get(1).writes()).containsExactly(WriteOp.delete("b"));
    // The same id twice is the same transaction twice (commits are idempotent by id).
    assertThat(requests.get(2)).isEqualTo(requests.get(0));
  }

  @Test
  void parseBatch_anInvalidTransaction_rejectsTheWholeBatch_namingEachBadItem() {
    List<ApiError> errors = batchRejected("""
        {"txns":[{"writes":[{"op":"put","key":"a","value":"1"}]},
                 {"writes":[{"op":"put","key":"far-too-long","value":"1"}]},
                 {"writes":[{"op":"nope","key":"a"}]},
                 7,
                 {"writes":[{"op":"put","key":"b","value":"2"}]}]}
        """);
    assertThat(errors).extracting(ApiError::code).containsExactly(
        ApiErrorCode.KEY_TOO_LARGE, ApiErrorCode.UNKNOWN_OP, ApiErrorCode.NOT_AN_OBJECT);
    assertThat(errors.get(0).message()).startsWith("txns[1]: ");
    assertThat(errors.get(1).message()).startsWith("txns[2]: ");
    assertThat(errors.get(2).message()).startsWith("txns[3]: ");
  }

  @Test
  void parseBatch_anItemStoppedAtTheErrorLimit_doesNotDerailTheNextItems() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < TxRequestParser.MAX_ERRORS + 5; i++) {
      many.append(i == 0 ? "" : ",").append("{\"op\":\"nope\",\"key\":\"k").append(i)
          .append("\",\"extra\":[[1],{\"x\":[2]}]}");
    }
    // The first item is cut short at the error limit; the parse must still end cleanly.
    List<ApiError> errors = batchRejected("{\"txns\":[{\"writes\":[" + many + "]},"
        + "{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\"}]}]}");
    assertThat(errors).hasSize(TxRequestParser.MAX_ERRORS);
    assertThat(errors).allSatisfy(e -> assertThat(e.message()).startsWith("txns[0]: "));
  }

  @ParameterizedTest
  @MethodSource("badBatches")
  void parseBatch_badEnvelope_isRejected(String body, ApiErrorCode code, String inMessage) {
    List<ApiError> errors = batchRejected(body);
    assertThat(errors.get(0).code()).isEqualTo(code);
    assertThat(errors.get(0).message()).contains(inMessage);
  }

  static Stream<Arguments> badBatches() {
    String one = "{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\"}]}";
    return Stream.of(
        Arguments.of("", ApiErrorCode.MALFORMED_JSON, "empty"),
        Arguments.of("[]", ApiErrorCode.NOT_AN_OBJECT, "JSON object"),
        Arguments.of("{}", ApiErrorCode.MISSING_FIELD, "txns"),
        Arguments.of("{\"txns\":[]}", ApiErrorCode.MISSING_FIELD, "at least one"),
        Arguments.of("{\"txns\":{}}", ApiErrorCode.WRONG_TYPE, "array"),
        Arguments.of("{\"txns\":[" + one + "],\"x\":1}", ApiErrorCode.UNKNOWN_FIELD, "'x'"),
        Arguments.of("{\"txns\":[" + one + "],\"txns\":[" + one + "]}",
            ApiErrorCode.DUPLICATE_FIELD, "txns"),
        Arguments.of("{\"txns\":[" + one + "]", ApiErrorCode.MALFORMED_JSON, "JSON"),
        Arguments.of("{\"txns\":[" + one + "]} {}", ApiErrorCode.MALFORMED_JSON, "after"),
        Arguments.of("{\"txns\":[" + (one + ",").repeat(TxRequestParser.MAX_BATCH_TXNS) + one
            + "]}", ApiErrorCode.TOO_MANY_TXNS, "more than 1000"));
  }
}
