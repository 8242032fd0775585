package dev.graft.kotlin

import dev.graft.autodiff.Grad
import dev.graft.runtime.Tensor
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.quicktheories.generators.SourceDSL.doubles
import org.quicktheories.generators.SourceDSL.floats
import org.quicktheories.generators.SourceDSL.integers

/** Every scalar operator agrees with the Java method it wraps, bit for bit, and with plain float arithmetic. */
class OperatorsTest {
    private val doublesGen = doubles().between(-100.0, 100.0)
    private val floatsGen = floats().between(-100f, 100f)
    private val intsGen = integers().between(-1000, 1000)

    private fun assertSame(expected: Tensor, actual: Tensor) {
        assertArrayEquals(expected.shape(), actual.shape())
        assertEquals(expected, actual, "expected $expected, got $actual")
    }

    /** `actual` holds `op(t[i])` for every element, computed in float32 by Kotlin itself. */
    private fun assertElementwise(t: Tensor, actual: Tensor, op: (Float) -> Float) {
        assertArrayEquals(t.shape(), actual.shape())
        val expected = t.toArray().map(op).toFloatArray()
        assertArrayEquals(expected, actual.toArray())
    }

    @Test
    fun `Double on the right is the float method`() {
        qt().forAll(tensors(), doublesGen).checkAssert { t, c ->
            val f = c.toFloat()
            assertSame(t.plus(f), t + c)
            assertSame(t.minus(f), t - c)
            assertSame(t.times(f), t * c)
            assertSame(t.div(f), t / c)
        }
    }

    @Test
    fun `Int on the right is the float method`() {
        qt().forAll(tensors(), intsGen).checkAssert { t, c ->
            val f = c.toFloat()
            assertSame(t.plus(f), t + c)
            assertSame(t.minus(f), t - c)
            assertSame(t.times(f), t * c)
            assertSame(t.div(f), t / c)
        }
    }

    @Test
    fun `pow, maximum and greater take Double and Int`() {
        qt().forAll(tensors(), doublesGen, integers().between(-4, 4)).checkAssert { t, d, i ->
            val df = d.toFloat()
            val fi = i.toFloat()
            assertSame(t.pow(fi), t.pow(i))
            assertSame(t.abs().pow((d / 50).toFloat()), t.abs().pow(d / 50))
            assertSame(t.maximum(df), t.maximum(d))
            assertSame(t.maximum(fi), t.maximum(i))
            assertSame(t.greater((d / 100).toFloat()), t.greater(d / 100))
            assertSame(t.greater(fi), t.greater(i))
            assertElementwise(t, t.maximum(0)) { maxOf(it, 0f) }
            assertElementwise(t, t.greater(0.0)) { if (it > 0f) 1f else 0f }
        }
    }

    @Test
    fun `Float on the left`() {
        qt().forAll(tensors(), floatsGen).checkAssert { t, c ->
            assertSame(t.plus(c), c + t)
            assertSame(t.times(c), c * t)
            assertSame(Tensor.scalar(c).minus(t), c - t)
            assertSame(Tensor.scalar(c).div(t), c / t)
            assertElementwise(t, c + t) { c + it }
            assertElementwise(t, c - t) { c - it }
            assertElementwise(t, c * t) { c * it }
            assertElementwise(t, c / t) { c / it }
        }
    }

    @Test
    fun `Double and Int on the left`() {
        qt().forAll(tensors(), doublesGen, intsGen).checkAssert { t, d, i ->
            val df = d.toFloat()
            val fi = i.toFloat()
            assertSame(t.plus(df), d + t)
            assertSame(t.times(df), d * t)
            assertSame(Tensor.scalar(df).minus(t), d - t)
            assertSame(Tensor.scalar(df).div(t), d / t)
            assertSame(t.plus(fi), i + t)
            assertSame(t.times(fi), i * t)
            assertSame(Tensor.scalar(fi).minus(t), i - t)
            assertSame(Tensor.scalar(fi).div(t), i / t)
            assertElementwise(t, 1.0 - t) { 1f - it }
            assertElementwise(t, 2 / t) { 2f / it }
        }
    }

    @Test
    fun `infix matmul and T are the Java matmul and transpose`() {
        qt().forAll(matrices(), integers().between(1, 6), integers().all()).checkAssert { a, n, seed ->
            val b = dev.graft.runtime.Random.normal(key(seed), a.dim(1), n)
            assertSame(a.matmul(b), a matmul b)
            assertSame(a.transpose(), a.T)
            for (i in 0 until a.dim(0)) {
                for (j in 0 until a.dim(1)) {
                    assertEquals(a.value(i, j), a.T.value(j, i))
                }
            }
        }
    }

    @Test
    fun `gradients flow through the scalar-left operators as through the Java calls`() {
        val x = Tensor.of(floatArrayOf(0.5f, -2f, 4f), 3)
        // d/dx sum(1 - x) = -1; d/dx sum(2 / x) = -2 / x^2; d/dx sum(3 * x + 0.5) = 3
        val g1 = Grad.grad({ (1.0 - it[0]).sum() }, listOf(x))[0]
        val g2 = Grad.grad({ (2 / it[0]).sum() }, listOf(x))[0]
        val g3 = Grad.grad({ (3 * it[0] + 0.5).sum() }, listOf(x))[0]
        assertArrayEquals(floatArrayOf(-1f, -1f, -1f), g1.toArray())
        assertArrayEquals(floatArrayOf(-8f, -0.5f, -0.125f), g2.toArray(), 1e-6f)
        assertArrayEquals(floatArrayOf(3f, 3f, 3f), g3.toArray())
        assertEquals(Grad.grad({ Tensor.scalar(2f).div(it[0]).sum() }, listOf(x))[0], g2)
    }
}
