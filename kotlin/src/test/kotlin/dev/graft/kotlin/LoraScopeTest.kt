package dev.graft.kotlin

import dev.graft.dsl.Net
import dev.graft.dsl.lora.DoRAAdapter
import dev.graft.dsl.lora.DoRAConv
import dev.graft.dsl.lora.DoRALinear
import dev.graft.dsl.lora.LoRAAdapter
import dev.graft.dsl.lora.LoRALinear
import dev.graft.dsl.lora.LoraSpec
import dev.graft.dsl.lora.VeRAAdapter
import dev.graft.dsl.tree.Mask
import dev.graft.dsl.tree.Tree
import dev.graft.runtime.Key
import dev.graft.runtime.Random
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** `net.lora { … }` builds the net the Java `LoraSpec` calls build: same tree, same trainable set, same outputs. */
class LoraScopeTest {
    private val base = Net.of(encoder()).freeze()
    private val x = Random.normal(Key.of(1), 5, 6)

    private fun assertSameNet(expected: Net, actual: Net) {
        assertTrue(Tree.equals(expected.module(), actual.module()), "trees differ:\n${expected.summary()}\n${actual.summary()}")
        assertEquals(expected.trainablePaths(), actual.trainablePaths())
        assertEquals(expected.adapters().keys, actual.adapters().keys)
        assertEquals(expected.apply(x), actual.apply(x))
        // Adapters start as the identity; nudge every trainable leaf so outputs would tell them apart.
        val nudge = { n: Net -> n.withModule(Tree.mapWithPath(n.module()) { p, t -> if (n.trainable().test(p, t)) t + 0.25 else t }) }
        assertEquals(nudge(expected).apply(x), nudge(actual).apply(x))
    }

    @Test
    fun `defaults are LoraSpec's defaults`() {
        assertEquals(LoraSpec.builder().build(), loraSpec { })
        assertSameNet(base.lora(LoraSpec.builder().build()), base.lora { })
    }

    @Test
    fun `every field reaches the Java spec`() {
        val spec = loraSpec {
            rank = 3; alpha = 6.0; dropout = 0.1; seed = 5
            targetRegex("blocks/0/.*")
            adapters(DoRA)
        }
        val java = LoraSpec.builder().rank(3).alpha(6.0).dropout(0.1).seed(5).target("blocks/0/.*")
            .wrappers(listOf(DoRAAdapter.FACTORY)).build()
        assertEquals(java, spec)
        assertSameNet(base.lora(java), base.lora { rank = 3; alpha = 6.0; dropout = 0.1; seed = 5; targetRegex("blocks/0/.*"); adapters(DoRA) })
    }

    @Test
    fun `target names match whole trailing path segments`() {
        val net = base.lora { rank = 2; alpha = 4.0; target("query", "value"); adapters(DoRA) }
        assertEquals(
            listOf("blocks/0/query", "blocks/0/value", "blocks/1/query", "blocks/1/value"),
            net.adapters().keys.map { it.toString() },
        )
        assertTrue(net.adapters().values.all { it is DoRAAdapter })
        // The same net as the Java call with the equivalent regex (matched whole, see PathPatterns).
        assertSameNet(base.lora(LoraSpec.builder().rank(2).alpha(4.0).target(".*/(query|value)")
            .wrappers(Adapter.DoRA.factories).build()), net)
        // A multi-segment suffix; names that only contain the target ("subquery") are left alone.
        assertEquals(listOf("blocks/1/extra/subquery"),
            base.lora { target("1/extra/subquery") }.adapters().keys.map { it.toString() })
        assertEquals(listOf("out"), base.lora { target("out") }.adapters().keys.map { it.toString() })
        // Names are literal module names, not regexes ("." separates segments, as in PEFT):
        // "quer[y]" and "que.y" match no layer, which lora refuses.
        for (name in listOf("quer[y]", "que.y")) {
            val none = assertThrows(IllegalArgumentException::class.java) { base.lora { target(name) } }
            assertTrue(none.message!!.contains("no adaptable layer matched"), none.message)
        }
        val none = assertThrows(IllegalArgumentException::class.java) { base.lora { target("quer*") } }
        assertTrue(none.message!!.contains("no adaptable layer matched"), none.message)
    }

    @Test
    @Suppress("DEPRECATION") // an earlier per-layer factory still works in adapters(...)
    fun `targets intersect the mask and adapters are tried in order`() {
        val net = base.mask(Mask.regex("blocks/1/.*")).lora { target("key"); adapters(VeRA, LoRA) }
        assertEquals(listOf("blocks/1/key"), net.adapters().keys.map { it.toString() })
        assertTrue(net.adapters().values.single() is VeRAAdapter)
        assertTrue(
            base.lora { adapters(LoRALinear.FACTORY) }.adapters().values.all { it is LoRAAdapter },
        )
    }

    @Test
    fun `bad settings are refused naming what is wrong`() {
        val both = assertThrows(IllegalArgumentException::class.java) { loraSpec { target("query"); targetRegex("q.*") } }
        assertTrue(both.message!!.contains("not both"), both.message)
        val blank = assertThrows(IllegalArgumentException::class.java) { loraSpec { target("query", " ") } }
        assertTrue(blank.message!!.contains("target name ' '"), blank.message)
        val badRank = assertThrows(IllegalArgumentException::class.java) { loraSpec { rank = 0 } }
        assertTrue(badRank.message!!.contains("rank must be >= 1"), badRank.message)
        assertFalse(base.lora { rank = 2 }.trainablePaths().isEmpty())
    }
}
