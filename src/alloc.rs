//! The binary's allocator. Parsing allocates a node per AST element; mimalloc's thread-local free lists cut the
//! allocator's share of a KFP-dense run (about a fifth of the instructions with the system allocator,
//! `valgrind --tool=callgrind`). The README's performance section has the measurements.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `arena_eager_commit` option (its number in `mi_option_e`, mimalloc 2 and 3). Committing arena
/// memory as it is used instead of up front keeps a 100,000-file run's resident set at the system allocator's
/// (80 MB → 59 MB), at no measurable cost in speed (`scripts/bench.sh`).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// mimalloc reads an option once, at its first allocation, which the Rust runtime makes before `main`: the
/// option is set from an ELF constructor, which runs before that.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00099")]
static SET_ALLOCATOR_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // SAFETY: sets a documented mimalloc option, single-threaded, before any allocation.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    }
    set
};
