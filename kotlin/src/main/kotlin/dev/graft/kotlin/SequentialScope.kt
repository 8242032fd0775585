package dev.graft.kotlin

import dev.graft.dsl.tree.Layer
import dev.graft.dsl.nn.Conv1d
import dev.graft.dsl.nn.Conv2d
import dev.graft.dsl.nn.ConvOptions
import dev.graft.dsl.nn.Dropout
import dev.graft.dsl.nn.Embedding
import dev.graft.dsl.nn.Gelu
import dev.graft.dsl.nn.Identity
import dev.graft.dsl.nn.LayerNorm
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.nn.Relu
import dev.graft.dsl.nn.Sequential
import dev.graft.dsl.nn.Sigmoid
import dev.graft.dsl.nn.Silu
import dev.graft.dsl.nn.Softmax
import dev.graft.dsl.nn.Tanh
import dev.graft.runtime.Key

/**
 * The body of `sequential(key) { … }`: the layers of a [Sequential], in order, each made by the
 * Java factory it names (`Linear.create`, `Conv2d.create`, …) or given as it is ([layer], `+`).
 *
 * Keys: a layer with random weights and no `key` argument is initialized from
 * `key.split(n)[i]`, where `n` counts such layers and `i` is its place among them; so
 * `sequential(k) { linear(4, 8); relu(); linear(8, 1) }` equals
 * `Sequential.of(Linear.create(4, 8, k.split(2)[0]), Relu(), Linear.create(8, 1, k.split(2)[1]))`.
 */
@GraftDsl
class SequentialScope internal constructor() {
    private val entries = mutableListOf<Entry>()

    private class Entry(val key: Key?, val random: Boolean, val make: (Key?) -> Layer)

    private fun add(key: Key?, make: (Key) -> Layer) {
        entries += Entry(key, key == null) { k -> make(k!!) }
    }

    /** A fully connected layer, [Linear.create]. */
    fun linear(inFeatures: Int, outFeatures: Int, bias: Boolean = true, key: Key? = null) =
        add(key) { Linear.create(inFeatures, outFeatures, bias, it) }

    /**
     * A 2-d convolution with a square kernel, [Conv2d.create] with [ConvOptions] `stride`,
     * `padding` and `bias`.
     */
    fun conv2d(
        inChannels: Int, outChannels: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0, bias: Boolean = true, key: Key? = null,
    ) = add(key) {
        Conv2d.create(inChannels, outChannels, kernel, ConvOptions.defaults().stride(stride).padding(padding).bias(bias), it)
    }

    /** A 1-d convolution, [Conv1d.create] with [ConvOptions] `stride`, `padding` and `bias`. */
    fun conv1d(
        inChannels: Int, outChannels: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0, bias: Boolean = true, key: Key? = null,
    ) = add(key) {
        Conv1d.create(inChannels, outChannels, kernel, ConvOptions.defaults().stride(stride).padding(padding).bias(bias), it)
    }

    /** A lookup table of `count` vectors of size `dim`, [Embedding.create]. */
    fun embedding(count: Int, dim: Int, key: Key? = null) = add(key) { Embedding.create(count, dim, it) }

    /** Layer normalization over the trailing `shape`, [LayerNorm.create] (no random weights). */
    fun layerNorm(vararg shape: Int) = layer(LayerNorm.create(*shape))

    /** ReLU, [Relu]. */
    fun relu() = layer(Relu())

    /** GELU, [Gelu]. */
    fun gelu() = layer(Gelu())

    /** tanh, [Tanh]. */
    fun tanh() = layer(Tanh())

    /** The logistic sigmoid, [Sigmoid]. */
    fun sigmoid() = layer(Sigmoid())

    /** SiLU, [Silu]. */
    fun silu() = layer(Silu())

    /** Softmax over `axis`, [Softmax]. */
    fun softmax(axis: Int = -1) = layer(Softmax(axis))

    /** Dropout at `rate` while training (the identity at inference), [Dropout]. */
    fun dropout(rate: Double) = layer(Dropout(rate.toFloat()))

    /** The identity, [Identity]. */
    fun identity() = layer(Identity())

    /** Any module, as it is: a layer built elsewhere, a Kotlin record, a nested [sequential]. */
    fun layer(module: Layer) {
        entries += Entry(null, false) { module }
    }

    /** `+module` adds `module` as it is, like [layer]. */
    operator fun Layer.unaryPlus() = layer(this)

    internal fun build(key: Key): Sequential {
        val random = entries.count { it.random }
        val keys = if (random == 0) emptyArray() else key.split(random)
        var next = 0
        return Sequential(entries.map { e -> e.make(if (e.random) keys[next++] else e.key) })
    }
}

/**
 * A [Sequential] of the layers `block` adds, the random ones initialized from `key` (see
 * [SequentialScope] for which layer gets which key; by default `Key.of(0)`, as the Java API
 * defaults its seeds to 0):
 * `sequential(key(0)) { linear(16, 64); relu(); linear(64, 1) }`.
 */
fun sequential(key: Key = Key.of(0), block: SequentialScope.() -> Unit): Sequential = SequentialScope().apply(block).build(key)
