package dev.graft.samples

import dev.graft.dsl.tree.Layer
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.tree.Lens
import dev.graft.dsl.tree.Mask
import dev.graft.dsl.tree.Path
import dev.graft.dsl.tree.Tree
import dev.graft.runtime.Key
import dev.graft.runtime.Tensor
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** A Kotlin module: a tensor leaf and a child declared as [Layer], so it may be wrapped. */
@JvmRecord
data class Scaled(val gain: Tensor, val inner: Layer) : Layer {
    override fun apply(x: Tensor): Tensor = inner(x) * gain
}

/** A Kotlin container: a list of children and a static name. */
@JvmRecord
data class Chain(val layers: List<Layer>, val name: String) : Layer {
    override fun apply(x: Tensor): Tensor = layers.fold(x) { h, layer -> layer(h) }
}

/** A child declared concretely: the tree refuses to wrap it. */
@JvmRecord
data class Pinned(val fc: Linear) : Layer {
    override fun apply(x: Tensor): Tensor = fc(x)
}

/** Trees, selectors and operators from Kotlin, with Kotlin records and the real layers. */
class KotlinTreeTest {
    private fun vec(vararg v: Float): Tensor = Tensor.of(v, v.size)

    private val model = Chain(
        listOf(Linear.create(3, 4, true, Key.of(0)), Scaled(vec(1f, 1f), Linear.create(4, 2, false, Key.of(1)))),
        "net",
    )

    @Test
    fun `kotlin records are trees`() {
        assertEquals(
            listOf("layers/0/weight", "layers/0/bias", "layers/1/gain", "layers/1/inner/weight"),
            Tree.paths(model).map { it.toString() },
        )
        assertEquals(listOf(Path.root(), Path.of("layers/0"), Path.of("layers/1"), Path.of("layers/1/inner")),
            Tree.nodes(model))
        assertEquals(3 * 4 + 4 + 2 + 4 * 2L, Tree.parameterCount(model))
        assertTrue(Tree.summary(model).contains("layers/1/inner/weight"))
    }

    @Test
    fun `tree at with a lambda replaces by identity and shares the rest`() {
        val doubled = Tree.at(model, { (it.layers[1] as Scaled).gain }, vec(2f, 2f))
        assertEquals(vec(2f, 2f), (doubled.layers[1] as Scaled).gain)
        assertSame(model.layers[0], doubled.layers[0])
        assertSame((model.layers[1] as Scaled).inner, (doubled.layers[1] as Scaled).inner)
        assertEquals("net", doubled.name)

        val x = Tensor.ones(5, 3)
        assertTrue(doubled(x).allClose(model(x) * 2f, 1e-6, 1e-6))
    }

    @Test
    fun `wrapping a child declared as Layer and refusing a concrete one`() {
        val wrapped = Tree.at(model, { it.layers[0] }, Scaled(vec(3f, 3f, 3f, 3f), model.layers[0]))
        val x = Tensor.ones(1, 3)
        assertTrue(wrapped(x).allClose(model.layers[1](model.layers[0](x) * 3f), 1e-5, 1e-5))

        val pinned = Pinned(Linear.create(2, 2, false, Key.of(2)))
        val e = assertThrows(IllegalArgumentException::class.java) {
            Tree.at(pinned, { it.fc }, Scaled(vec(1f, 1f), pinned.fc))
        }
        assertTrue(e.message!!.contains("declare the component as Layer to allow wrapping"), e.message)
        assertTrue(!Tree.accepts(pinned, Path.of("fc"), Scaled(vec(1f), pinned.fc)))
    }

    @Test
    fun `operators on tensors`() {
        val a = vec(1f, 2f, 3f)
        val b = vec(10f, 20f, 30f)
        assertArrayEquals(floatArrayOf(11f, 22f, 33f), (a + b).toArray())
        assertArrayEquals(floatArrayOf(10f, 40f, 90f), (a * b).toArray())
        assertArrayEquals(floatArrayOf(-1f, -2f, -3f), (-a).toArray())
        val m = Tensor.of(floatArrayOf(1f, 2f, 3f, 4f), 2, 2)
        assertEquals(vec(3f, 4f), m[1])
        assertEquals(2f, m[0, 1].item())
    }

    @Test
    fun `map, masks and lenses from kotlin`() {
        val zeros = Tree.map(model) { Tensor.zeros(*it.shape()) }
        assertTrue(Tree.leaves(zeros).all { it == Tensor.zeros(*it.shape()) })
        assertTrue(Tree.equals(model, Tree.map(model) { it }))

        val weights = Tree.partition(model, Mask.regex(".*weight"))
        assertEquals(setOf("layers/0/weight", "layers/1/inner/weight"), weights.selected().keys.map { it.toString() }.toSet())
        assertSame(model, weights.combine())

        val gain = Lens.of<Chain, Tensor> { (it.layers[1] as Scaled).gain }
        assertEquals(vec(5f, 5f), gain.get(gain.set(model, vec(5f, 5f))))
    }
}
