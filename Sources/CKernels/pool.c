// A small pool of helper threads for the products of one decoding step. Dispatch wakes a
// worker through the kernel for every product (tens per step, each only tens of
// microseconds of work at one sentence); these helpers spin on their own ticket for a
// while after each job, so back-to-back products start without a wake-up, and sleep on a
// condition variable once the caller has gone quiet.
#include "CKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define PAUSE() _mm_pause()
#else
#define PAUSE() ((void)0)
#endif

enum { MAX_HELPERS = 63 };
static const long SPIN_NS = 3000000;   // spin this long for the next job before sleeping

struct helper {
    _Atomic long ticket;   // the generation this helper is asked to run
    _Atomic long done;     // the last generation it finished
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    int sleeping;          // guarded by mutex
    long index;            // its chunk: index + 1 (the caller runs chunk 0)
};

static struct helper helpers[MAX_HELPERS];
static int started;                         // helpers running; only the pool's owner grows it
static atomic_flag busy = ATOMIC_FLAG_INIT; // one caller at a time; others run inline
static pmt_pool_task job;
static void *jobContext;
static long jobChunks;
static long generation;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *helper_main(void *argument) {
    struct helper *h = argument;
    long seen = 0;
    for (;;) {
        long ticket = atomic_load_explicit(&h->ticket, memory_order_acquire);
        if (ticket == seen) {
            long deadline = now_ns() + SPIN_NS;
            for (int spins = 0; (ticket = atomic_load_explicit(&h->ticket, memory_order_acquire)) == seen; spins++) {
                PAUSE();
                if ((spins & 1023) == 1023 && now_ns() > deadline) {
                    pthread_mutex_lock(&h->mutex);
                    h->sleeping = 1;
                    while ((ticket = atomic_load_explicit(&h->ticket, memory_order_acquire)) == seen)
                        pthread_cond_wait(&h->wake, &h->mutex);
                    h->sleeping = 0;
                    pthread_mutex_unlock(&h->mutex);
                    break;
                }
            }
        }
        seen = ticket;
        if (h->index + 1 < jobChunks) job(jobContext, h->index + 1);
        atomic_store_explicit(&h->done, ticket, memory_order_release);
    }
    return 0;
}

static int ensure_helpers(int count) {
    while (started < count) {
        struct helper *h = &helpers[started];
        h->index = started;
        pthread_mutex_init(&h->mutex, 0);
        pthread_cond_init(&h->wake, 0);
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, helper_main, h);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        started++;
    }
    return started;
}

void pmt_pool_run(long chunks, pmt_pool_task task, void *context) {
    if (chunks <= 1 || atomic_flag_test_and_set_explicit(&busy, memory_order_acquire)) {
        for (long c = 0; c < chunks; c++) task(context, c);
        return;
    }
    long wanted = chunks - 1 < MAX_HELPERS ? chunks - 1 : MAX_HELPERS;
    int helping = ensure_helpers((int)wanted);
    if (helping > wanted) helping = (int)wanted;
    job = task;
    jobContext = context;
    jobChunks = chunks;
    long g = ++generation;
    for (int i = 0; i < helping; i++) {
        struct helper *h = &helpers[i];
        atomic_store_explicit(&h->ticket, g, memory_order_release);
        pthread_mutex_lock(&h->mutex);
        if (h->sleeping) pthread_cond_signal(&h->wake);
        pthread_mutex_unlock(&h->mutex);
    }
    task(context, 0);
    // Chunks no helper could take (thread creation failed) run here.
    for (long c = helping + 1; c < chunks; c++) task(context, c);
    for (int i = 0; i < helping; i++)
        while (atomic_load_explicit(&helpers[i].done, memory_order_acquire) != g) PAUSE();
    atomic_flag_clear_explicit(&busy, memory_order_release);
}
