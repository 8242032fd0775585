package dev.graft.kotlin

import dev.graft.dsl.nn.Linear
import dev.graft.runtime.Key
import dev.graft.runtime.Tensor

/** An attention-shaped record: `query`, `key`, `value`, and a map child whose name only contains "query". */
@JvmRecord
data class Attn(val query: GraftModule, val key: GraftModule, val value: GraftModule, val extra: Map<String, GraftModule>) :
    GraftModule {
    override fun apply(x: Tensor): Tensor =
        query(x).tanh() + key(x) * value(x) + extra.values.fold(Tensor.zeros(*query(x).shape())) { s, m -> s + m(x) }
}

/** Two attention blocks and a read-out, all declared as [GraftModule] so adapters can wrap them. */
@JvmRecord
data class Encoder(val blocks: List<GraftModule>, val out: GraftModule) : GraftModule {
    override fun apply(x: Tensor): Tensor = out(blocks.fold(x) { h, b -> b(h) })
}

/** An [Encoder] of width 6 from seed 7. */
fun encoder(): Encoder {
    val k = Key.of(7).split(9)
    fun attn(i: Int) = Attn(
        Linear.create(6, 6, k[i]), Linear.create(6, 6, k[i + 1]), Linear.create(6, 6, k[i + 2]),
        mapOf("subquery" to Linear.create(6, 6, k[i + 3])),
    )
    return Encoder(listOf(attn(0), attn(4)), Linear.create(6, 2, k[8]))
}
