package dev.graft.samples

import dev.graft.dsl.Module
import dev.graft.dsl.Net
import dev.graft.dsl.lora.LoRALinear
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.tree.Path
import dev.graft.dsl.tree.Tree
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** The README's Kotlin example runs: LoRA only inside the mask, the loss falls, the merge keeps outputs. */
class KotlinQuickstartTest {
    private fun runQuickstart(): Pair<Net, List<String>> {
        val original = System.out
        val bytes = ByteArrayOutputStream()
        val net = try {
            System.setOut(PrintStream(bytes, true, Charsets.UTF_8))
            KotlinQuickstart.run()
        } finally {
            System.setOut(original)
        }
        return net to bytes.toString(Charsets.UTF_8).lines()
    }

    @Test
    fun `lora lands only where the mask points and the read-out stays frozen`() {
        val (trained, lines) = runQuickstart()
        assertEquals("gate 0: 0.5, readout shared: true", lines[0])
        assertEquals(listOf("blocks/0/fc", "blocks/0/proj", "blocks/1/fc", "blocks/1/proj"),
            trained.adapters().keys.map { it.toString() })
        val module: Module = trained.module()
        assertTrue(Tree.get(module, Path.of("readout")) is Linear)
        assertTrue(Tree.get(module, Path.of("blocks/0/fc")) is LoRALinear)
        assertTrue(trained.trainablePaths().all { it.name() == "loraA" || it.name() == "loraB" })
        assertEquals(4L * (16 + 64) * 4, trained.trainableCount())
    }

    @Test
    fun `training lowers the loss and merging keeps the outputs`() {
        val (_, lines) = runQuickstart()
        val mse = lines.first { it.startsWith("mse ") }.split(" ")
        assertTrue(mse[3].toDouble() < mse[1].toDouble() / 5, lines.toString())
        val gap = lines.first { it.startsWith("max |merged - adapted|") }.substringAfter("= ").toDouble()
        assertTrue(gap < 1e-5, "merged vs adapted: $gap")
    }
}
