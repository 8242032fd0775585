package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * OFT exactly as Hugging Face PEFT 0.21 parametrizes it ({@code OFTConfig}, key {@code
 * oft_R.weight}) on a {@link Linear}: the input is split into {@code in/b} blocks of size {@code
 * b} ({@code oft_block_size}) and block {@code i} is multiplied on the right by a rotation {@code
 * R_i} built from the packed upper triangle {@code oftR[i]} ({@link PeftOFT}); {@code y = base(x ·
 * blockdiag(R))}. With {@code block_share} one row {@code oftR (1, ·)} serves every block. Merges
 * into {@code W · blockdiag(R)ᵀ}. Initialization is PEFT's default ({@code init_weights = True}):
 * {@code oftR = 0}, the identity. PEFT's {@code module_dropout} (whole blocks replaced by the
 * identity while training) is not modelled.
 *
 * <p>The zoo's {@link OFTAdapter} (full blocks {@code S}, exact Cayley map of {@code S − Sᵀ}) is a
 * different parametrization of the same family; this record is the one that reads and writes
 * PEFT's files.
 *
 * @param base the frozen layer
 * @param oftR the trainable packed triangles {@code (in/b, b(b−1)/2)}, or {@code (1, ·)} shared
 * @param blockSize {@code b}, which divides {@code in} ({@code b = 1}: no rotation, as in PEFT)
 * @param blockShare whether one rotation serves every block
 * @param cayleyNeumann PEFT's {@code use_cayley_neumann}
 * @param neumannTerms PEFT's {@code num_cayley_neumann_terms}
 * @param coft PEFT's {@code coft} (constrained OFT)
 * @param eps PEFT's {@code eps}, COFT's radius before the {@code 1/√k} factor
 */
public record PeftOFTLinear(Linear base, Tensor oftR, int blockSize, boolean blockShare,
    boolean cayleyNeumann, int neumannTerms, boolean coft, double eps) implements LoraWrapper {

  /** PEFT 0.21's defaults: Cayley-Neumann with 5 terms, no COFT, no block sharing. */
  public static final AdapterFactory FACTORY = factory(Options.DEFAULTS);

  /**
   * PEFT's OFT options besides the block size (which is the spec's rank).
   *
   * @param blockShare {@code block_share}
   * @param cayleyNeumann {@code use_cayley_neumann}
   * @param neumannTerms {@code num_cayley_neumann_terms}
   * @param coft {@code coft}
   * @param eps {@code eps}
   */
  public record Options(boolean blockShare, boolean cayleyNeumann, int neumannTerms, boolean coft,
      double eps) {
    /** PEFT 0.21's {@code OFTConfig} defaults. */
    public static final Options DEFAULTS = new Options(false, true, 5, false, 6e-5);

    /** Validates the numbers. */
    public Options {
      if (neumannTerms < 1) {
        throw new IllegalArgumentException("PeftOFTLinear: num_cayley_neumann_terms must be >= 1,"
            + " got " + neumannTerms);
      }
      if (!(eps > 0) || !Double.isFinite(eps)) {
        throw new IllegalArgumentException("PeftOFTLinear: eps must be positive, got " + eps);
      }
    }
  }

  /** Builds PEFT-form OFT adapters for {@link Linear} layers; the spec's rank is the block size. */
  public static AdapterFactory factory(Options options) {
    return AdapterFactory.of("PeftOFTLinear", layer -> layer instanceof Linear,
        (base, config) -> create((Linear) base, config.rank(), options));
  }

  /** Validates the block size and {@code oftR}'s shape against the base. */
  public PeftOFTLinear {
    if (blockSize < 1) {
      throw new IllegalArgumentException("PeftOFTLinear: block size must be >= 1, got "
          + blockSize);
    }
    if (base.inFeatures() % blockSize != 0) {
      throw new IllegalArgumentException("PeftOFTLinear: block size " + blockSize
          + " does not divide the input size " + base.inFeatures());
    }
    new Options(blockShare, cayleyNeumann, neumannTerms, coft, eps);
    FieldShapes.check("PeftOFTLinear", "oftR", oftR,
        blockShare ? 1 : base.inFeatures() / blockSize, PeftOFT.elements(blockSize));
  }

  /** PEFT-form OFT around {@code base}, blocks of {@code blockSize}, {@code oftR = 0}. */
  public static PeftOFTLinear create(Linear base, int blockSize, Options o) {
    if (blockSize < 1 || base.inFeatures() % blockSize != 0) {
      throw new IllegalArgumentException("PeftOFTLinear: rank " + blockSize + " is the block"
          + " size; it must be >= 1 and divide the input size " + base.inFeatures()
          + " (a block of 1 rotates nothing)");
    }
    int rows = o.blockShare() ? 1 : base.inFeatures() / blockSize;
    return new PeftOFTLinear(base, Tensor.zeros(rows, PeftOFT.elements(blockSize)), blockSize,
        o.blockShare(), o.cayleyNeumann(), o.neumannTerms(), o.coft(), o.eps());
  }

  /** This adapter's options. */
  public Options options() {
    return new Options(blockShare, cayleyNeumann, neumannTerms, coft, eps);
  }

  /** The {@code (in/b, b, b)} block rotations. */
  public Tensor rotations() {
    Tensor v = coft ? PeftOFT.project(oftR, eps) : oftR;
    Tensor r = PeftOFT.rotations(v, blockSize, cayleyNeumann, neumannTerms);
    int blocks = base.inFeatures() / blockSize;
    return r.dim(0) == blocks ? r : r.broadcastTo(blocks, blockSize, blockSize);
  }

  @Override
  public Tensor apply(Tensor x) {
    if (x.ndim() == 0 || x.dim(-1) != base.inFeatures()) {
      throw new IllegalArgumentException("PeftOFTLinear: input " + Shapes.format(x.shape())
          + " does not end in " + base.inFeatures());
    }
    return base.apply(BlockRotation.applyRight(x, rotations(), false));
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return apply(x);
  }

  @Override
  public Layer merge() {
    return base.withWeight(BlockRotation.applyRight(base.weight(), rotations(), true));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("oftR");
  }
}
