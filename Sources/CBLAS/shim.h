// OpenBLAS's CBLAS interface (libopenblas-dev). Debian installs cblas.h through the
// alternatives system; with OpenBLAS selected it also declares openblas_set_num_threads.
#include <cblas.h>
