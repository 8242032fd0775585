package dev.graft.kotlin

import dev.graft.testkit.PackageGraph
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The Kotlin module is one package over the library; a second one must keep the graph acyclic. */
class PackageCyclesTest {
    @Test
    fun noPackageCycle() {
        val classes = Path.of(FitScope::class.java.protectionDomain.codeSource.location.toURI())
        val graph = PackageGraph.of(classes)
        graph.assertAcyclic()
        assertEquals(setOf("dev.graft.kotlin"), graph.packages())
    }
}
