package dev.graft.kotlin

import dev.graft.runtime.Index
import dev.graft.runtime.Tensor
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.quicktheories.generators.SourceDSL.integers

/** Ranges and the whole-axis marker select what the Java `slice` and `get(Index...)` select. */
class SlicingTest {
    private val m = Tensor.arange(12).reshape(3, 4)

    @Test
    fun `ranges on the first axis are slice on axis 0`() {
        qt().forAll(matrices(), integers().between(0, 6), integers().between(0, 6)).checkAssert { t, a, b ->
            assertEquals(t.slice(0, a, b), t[a until b])
            assertEquals(t.slice(0, a, b + 1), t[a..b])
            assertEquals(t.get(Index.range(a, b)), t[a until b])
        }
    }

    @Test
    fun `all then a range is slice on axis 1, an Int drops the axis`() {
        qt().forAll(matrices(), integers().between(0, 6), integers().between(0, 6)).checkAssert { t, a, b ->
            assertEquals(t.slice(1, a, b), t[all, a until b])
            assertEquals(t.get(Index.all(), Index.range(a, b)), t[all, a until b])
            assertEquals(t.slice(0, a, b).slice(1, 0, 2), t[a until b, 0 until 2])
            assertEquals(t.get(0).slice(0, a, b), t[0, a until b])
        }
    }

    @Test
    fun `fixed examples read as NumPy would`() {
        assertArrayEquals(floatArrayOf(4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f), m[1 until 3].toArray())
        assertArrayEquals(intArrayOf(2, 4), m[1 until 3].shape())
        assertArrayEquals(floatArrayOf(1f, 2f, 5f, 6f, 9f, 10f), m[all, 1..2].toArray())
        assertArrayEquals(floatArrayOf(0f, 2f, 8f, 10f), m[0 until 3 step 2, 0 until 4 step 2].toArray())
        assertArrayEquals(floatArrayOf(8f, 9f, 10f, 11f), m[-1..-1].toArray(), "-1..-1 is the last row")
        assertArrayEquals(floatArrayOf(4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f), m[-2..-1].toArray())
        assertArrayEquals(floatArrayOf(6f, 7f), m[1, 2 until 4].toArray())
        assertArrayEquals(intArrayOf(0, 4), m[2 until 2].shape(), "an empty range keeps the axis, empty")
        assertEquals(m.transpose(), m.T)
    }

    @Test
    fun `wrong axis types and descending ranges are refused with a clear message`() {
        val e = assertThrows(IllegalArgumentException::class.java) { m[all, "1:2"] }
        assertTrue(e.message!!.contains("axis 1 is a kotlin.String"), e.message)
        val d = assertThrows(IllegalArgumentException::class.java) { m[2 downTo 0] }
        assertTrue(d.message!!.contains("step must be positive"), d.message)
    }
}
