package dev.graft.kotlin

import dev.graft.dsl.Net
import dev.graft.dsl.lora.AdapterFactory
import dev.graft.dsl.lora.LoraSpec

/**
 * The body of `net.lora { … }` and `loraSpec { … }`: the fields of one [LoraSpec], each starting
 * at the Java default. Nothing is computed here; [build] hands every field to `LoraSpec.builder()`,
 * which checks them.
 *
 * ```kotlin
 * val adapted = net.lora { rank = 8; alpha = 16.0; target("query", "value"); adapters(DoRA) }
 * ```
 */
@GraftDsl
class LoraScope internal constructor() {
    /** The adapter rank `r` (OFT: the block size), [LoraSpec.rank]. */
    var rank: Int = DEFAULTS.rank()

    /** The scaling numerator `α`, [LoraSpec.alpha]. */
    var alpha: Double = DEFAULTS.alpha()

    /** Dropout on the adapters' input while training, [LoraSpec.dropout]. */
    var dropout: Double = DEFAULTS.dropout()

    /** Seed of the adapters' random initialization, [LoraSpec.seed]. */
    var seed: Long = DEFAULTS.seed()

    private val names = mutableListOf<String>()
    private var regex: String? = null
    private val wrappers = mutableListOf<AdapterFactory>()

    /**
     * Adapts only the layers whose path ends with one of `names`, compared by whole path segments
     * (PEFT's `target_modules`, [LoraSpec.targetModules]): `target("query")` takes
     * `encoder/0/query` but not `encoder/0/key_query`, and `target("attn/out")` (or `"attn.out"`)
     * takes `blocks/1/attn/out`. Calls add up. Without a target every selected layer is adapted.
     */
    fun target(vararg names: String) {
        for (name in names) {
            require(name.isNotBlank() && !name.startsWith("/") && !name.endsWith("/")) {
                "lora: target name '$name' must be a non-blank path suffix without a leading or trailing '/'"
            }
        }
        this.names += names
    }

    /**
     * Adapts only the layers whose path (slash-joined or dotted) the regular expression `regex`
     * matches whole, or an ancestor's: [LoraSpec.target].
     */
    fun targetRegex(regex: String) {
        this.regex = regex
    }

    /** Wraps with the given zoo methods, tried in order ([LoraSpec.wrappers]); calls add up. */
    fun adapters(vararg methods: Adapter) {
        methods.forEach { wrappers += it.factories }
    }

    /** Wraps with the given factories (your own adapters included), tried in order; calls add up. */
    fun adapters(vararg factories: AdapterFactory) {
        wrappers += factories
    }

    /** [Adapter.LoRA], so `adapters(LoRA)` needs no import. */
    val LoRA: Adapter get() = Adapter.LoRA

    /** [Adapter.RsLoRA]. */
    val RsLoRA: Adapter get() = Adapter.RsLoRA

    /** [Adapter.LoRAFA]. */
    val LoRAFA: Adapter get() = Adapter.LoRAFA

    /** [Adapter.DoRA]. */
    val DoRA: Adapter get() = Adapter.DoRA

    /** [Adapter.PiSSA]. */
    val PiSSA: Adapter get() = Adapter.PiSSA

    /** [Adapter.MiLoRA]. */
    val MiLoRA: Adapter get() = Adapter.MiLoRA

    /** [Adapter.LoRAXS]. */
    val LoRAXS: Adapter get() = Adapter.LoRAXS

    /** [Adapter.VeRA]. */
    val VeRA: Adapter get() = Adapter.VeRA

    /** [Adapter.IA3]. */
    val IA3: Adapter get() = Adapter.IA3

    /** [Adapter.LoKr]. */
    val LoKr: Adapter get() = Adapter.LoKr

    /** [Adapter.OFT]. */
    val OFT: Adapter get() = Adapter.OFT

    /** The spec these settings describe, built (and checked) by `LoraSpec.builder()`. */
    fun build(): LoraSpec {
        require(names.isEmpty() || regex == null) {
            "lora: give either target(names) or targetRegex(regex), not both (names $names, regex '$regex')"
        }
        val b = LoraSpec.builder().rank(rank).alpha(alpha).dropout(dropout).seed(seed)
        if (names.isNotEmpty()) b.targetModules(names)
        regex?.let { b.target(it) }
        if (wrappers.isNotEmpty()) b.wrappers(wrappers)
        return b.build()
    }

    private companion object {
        val DEFAULTS: LoraSpec = LoraSpec.builder().build()
    }
}

/** One [LoraSpec] from a builder block, e.g. `loraSpec { rank = 4; target("fc") }`. */
fun loraSpec(block: LoraScope.() -> Unit): LoraSpec = LoraScope().apply(block).build()

/**
 * This net with adapters on the selected layers as `block` describes: [Net.lora] with one
 * [LoraSpec]. Several rules at once: `net.lora(loraSpec { … }, loraSpec { … })` (first match wins).
 */
fun Net.lora(block: LoraScope.() -> Unit): Net = lora(loraSpec(block))
