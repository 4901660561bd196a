package io.ringlog.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest
{
    @Test
    void shouldReadBackWhatItWrites()
    {
        final Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "quote \" backslash \\ tab \t newline \n");
        value.put("count", 3_000_000L);
        value.put("ratio", 0.8125);
        value.put("ok", true);
        value.put("missing", null);
        value.put("list", List.of(1L, 2.5, "x"));
        value.put("rows", List.of(Map.of("id", "a"), Map.of("id", "b")));
        value.put("empty", Map.of());

        assertEquals(value, Json.parse(Json.write(value)));
    }

    @Test
    void shouldWriteNonFiniteNumbersAsNull()
    {
        assertEquals("[null, null]\n", Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY)));
    }

    @Test
    void shouldParseWhatOtherWritersWrite()
    {
        final Object value = Json.parse(" {\"a\" : [1e3, -0.5, 12345678901234567890], \"b\": \"\\u00e9\\/\"} ");

        assertEquals(Map.of("a", List.of(1000.0, -0.5, 1.2345678901234567e19), "b", "é/"), value);
    }

    @Test
    void shouldRefuseWhatIsNotJson()
    {
        for (final String text : new String[]{"", "{", "{\"a\" 1}", "[1,]", "{\"a\": 1} x", "01", "\"\\x\"", "tru",
            "{\"a\": 1, \"a\": 2}", "\"a\nb\""})
        {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
        }
    }
}
