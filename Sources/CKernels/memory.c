#include "CKernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void pmt_malloc_fix_mmap_threshold(long bytes) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
#endif
}

void pmt_malloc_trim(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
