package dev.graft.kotlin

import dev.graft.dsl.nn.Conv2d
import dev.graft.dsl.nn.ConvOptions
import dev.graft.dsl.nn.Dropout
import dev.graft.dsl.nn.Embedding
import dev.graft.dsl.nn.Gelu
import dev.graft.dsl.nn.LayerNorm
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.nn.Relu
import dev.graft.dsl.nn.Sequential
import dev.graft.dsl.nn.Sigmoid
import dev.graft.dsl.nn.Silu
import dev.graft.dsl.nn.Softmax
import dev.graft.dsl.nn.Tanh
import dev.graft.dsl.nn.Identity
import dev.graft.dsl.nn.Conv1d
import dev.graft.dsl.tree.Tree
import dev.graft.runtime.Key
import dev.graft.runtime.Random
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** `sequential { … }` builds the `Sequential` the Java factories build, with the documented keys. */
class SequentialScopeTest {
    private fun assertSameTree(expected: Sequential, actual: Sequential) {
        assertEquals(expected.layers().map { it::class }, actual.layers().map { it::class })
        assertTrue(Tree.equals(expected, actual), "trees differ:\n${Tree.summary(expected)}\n${Tree.summary(actual)}")
        assertEquals(expected, actual)
    }

    @Test
    fun `layers with weights take the split keys in order`() {
        val k = Key.of(42)
        val kotlin = sequential(k) { linear(16, 64); relu(); linear(64, 64, bias = false); gelu(); linear(64, 1) }
        val ks = k.split(3)
        val java = Sequential.of(
            Linear.create(16, 64, ks[0]), Relu(), Linear.create(64, 64, false, ks[1]), Gelu(), Linear.create(64, 1, ks[2]),
        )
        assertSameTree(java, kotlin)
        val x = Random.normal(Key.of(1), 3, 16)
        assertEquals(java(x), kotlin(x))
        assertSameTree(sequential(Key.of(0)) { linear(2, 3) }, sequential { linear(2, 3) })
    }

    @Test
    fun `explicit keys, convolutions, embeddings and every activation`() {
        val k = Key.of(5).split(4)
        val inner = sequential(k[3]) { linear(4, 4) }
        val kotlin = sequential(k[0]) {
            conv2d(1, 4, 3, stride = 2, padding = 1)
            conv1d(4, 4, 3, bias = false, key = k[1])
            embedding(10, 4)
            layerNorm(4); tanh(); sigmoid(); silu(); softmax(); dropout(0.25); identity()
            layer(Linear.create(4, 2, k[2]))
            +inner
        }
        val ks = k[0].split(2)
        val java = Sequential.of(
            Conv2d.create(1, 4, 3, ConvOptions.defaults().stride(2).padding(1), ks[0]),
            Conv1d.create(4, 4, 3, ConvOptions.defaults().bias(false), k[1]),
            Embedding.create(10, 4, ks[1]),
            LayerNorm.create(4), Tanh(), Sigmoid(), Silu(), Softmax(-1), Dropout(0.25f), Identity(),
            Linear.create(4, 2, k[2]),
            inner,
        )
        assertSameTree(java, kotlin)
        assertSame(inner, kotlin.layers().last())
    }
}
