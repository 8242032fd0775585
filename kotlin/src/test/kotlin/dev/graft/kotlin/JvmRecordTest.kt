package dev.graft.kotlin

import dev.graft.dsl.tree.Tree
import dev.graft.runtime.Tensor
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** A data class without `@JvmRecord`: not a JVM record, so Graft cannot see its children. */
data class NotARecord(val fc: GraftModule) : GraftModule {
    override fun apply(x: Tensor): Tensor = fc(x)
}

/** The same class with `@JvmRecord`: a tree node. */
@JvmRecord
data class ARecord(val fc: GraftModule) : GraftModule {
    override fun apply(x: Tensor): Tensor = fc(x)
}

/** What the guide says about `@JvmRecord`. */
class JvmRecordTest {
    @Test
    fun `a data class without JvmRecord is refused with a message that says to make it a record`() {
        val e = assertThrows(IllegalStateException::class.java) { Tree.paths(NotARecord(sequential { linear(2, 2) })) }
        assertTrue(e.message!!.contains("not a record and has fields: make it a record"), e.message)
        assertEquals(listOf("fc/layers/0/weight", "fc/layers/0/bias"),
            Tree.paths(ARecord(sequential { linear(2, 2) })).map { it.toString() })
    }
}
