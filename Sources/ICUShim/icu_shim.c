#include "ICUShim.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/parseerr.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utypes.h>

// The header promises uint16_t text and int32_t statuses; make sure ICU agrees.
_Static_assert(sizeof(UChar) == sizeof(uint16_t), "UChar must be 16-bit");
_Static_assert(sizeof(UErrorCode) == sizeof(int32_t), "UErrorCode must be 32-bit");
_Static_assert(UBRK_DONE == PMT_DONE, "UBRK_DONE");
_Static_assert(UBRK_WORD_NUMBER == PMT_WORD_NUMBER && UBRK_WORD_LETTER == PMT_WORD_LETTER &&
                   UBRK_WORD_KANA == PMT_WORD_KANA && UBRK_WORD_IDEO == PMT_WORD_IDEO,
               "UWordBreak ranges");

struct pmt_break {
    UBreakIterator *bi;
    UChar *text;      // ubrk_setText does not copy; we do, so callers' buffers may go away
    uint8_t *binary;  // likewise for ubrk_openBinaryRules
};

static int32_t wrap(UBreakIterator *bi, uint8_t *binary, UErrorCode status, pmt_break **out) {
    *out = NULL;
    if (U_FAILURE(status)) {
        ubrk_close(bi);
        free(binary);
        return status;
    }
    pmt_break *b = calloc(1, sizeof *b);
    if (b == NULL) {
        ubrk_close(bi);
        free(binary);
        return U_MEMORY_ALLOCATION_ERROR;
    }
    b->bi = bi;
    b->binary = binary;
    *out = b;
    return status;
}

int32_t pmt_break_open(int32_t kind, const char *locale, pmt_break **out) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIteratorType type;
    switch (kind) {
    case PMT_BREAK_SENTENCE: type = UBRK_SENTENCE; break;
    case PMT_BREAK_WORD: type = UBRK_WORD; break;
    default: *out = NULL; return U_ILLEGAL_ARGUMENT_ERROR;
    }
    UBreakIterator *bi = ubrk_open(type, locale, NULL, 0, &status);
    return wrap(bi, NULL, status, out);
}

int32_t pmt_break_open_rules(const uint16_t *rules, int32_t length, pmt_parse_error *parse_error,
                             pmt_break **out) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError pe;
    memset(&pe, 0, sizeof pe);
    UBreakIterator *bi = ubrk_openRules((const UChar *)rules, length, NULL, 0, &pe, &status);
    if (parse_error != NULL) {
        parse_error->line = pe.line;
        parse_error->offset = pe.offset;
        memcpy(parse_error->pre_context, pe.preContext, sizeof parse_error->pre_context);
        memcpy(parse_error->post_context, pe.postContext, sizeof parse_error->post_context);
        parse_error->pre_context[15] = 0;
        parse_error->post_context[15] = 0;
    }
    return wrap(bi, NULL, status, out);
}

int32_t pmt_break_open_binary(const uint8_t *data, int32_t length, pmt_break **out) {
    *out = NULL;
    if (data == NULL || length <= 0) return U_ILLEGAL_ARGUMENT_ERROR;
    uint8_t *copy = malloc((size_t)length);
    if (copy == NULL) return U_MEMORY_ALLOCATION_ERROR;
    memcpy(copy, data, (size_t)length);
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_openBinaryRules(copy, length, NULL, 0, &status);
    return wrap(bi, copy, status, out);
}

void pmt_break_close(pmt_break *b) {
    if (b == NULL) return;
    ubrk_close(b->bi);  // before freeing the memory it refers to
    free(b->text);
    free(b->binary);
    free(b);
}

int32_t pmt_break_binary_rules(pmt_break *b, uint8_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t n = ubrk_getBinaryRules(b->bi, dest, capacity, &s);
    *status = s;
    return n;
}

int32_t pmt_break_set_text(pmt_break *b, const uint16_t *text, int32_t length) {
    if (length < 0 || (text == NULL && length > 0)) return U_ILLEGAL_ARGUMENT_ERROR;
    UChar *copy = malloc(sizeof(UChar) * (size_t)(length > 0 ? length : 1));
    if (copy == NULL) return U_MEMORY_ALLOCATION_ERROR;
    if (length > 0) memcpy(copy, text, sizeof(UChar) * (size_t)length);
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(b->bi, copy, length, &status);
    if (U_FAILURE(status)) {
        free(copy);
        return status;
    }
    free(b->text);
    b->text = copy;
    return status;
}

int32_t pmt_break_first(pmt_break *b) { return ubrk_first(b->bi); }
int32_t pmt_break_next(pmt_break *b) { return ubrk_next(b->bi); }
int32_t pmt_break_rule_status(const pmt_break *b) { return ubrk_getRuleStatus(b->bi); }

int32_t pmt_normalize(int32_t form, const uint16_t *src, int32_t length, uint16_t *dest,
                      int32_t capacity, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    const UNormalizer2 *n;
    switch (form) {
    case PMT_NFC: n = unorm2_getNFCInstance(&s); break;
    case PMT_NFKC: n = unorm2_getNFKCInstance(&s); break;
    case PMT_NFKC_CASEFOLD: n = unorm2_getNFKCCasefoldInstance(&s); break;
    default: *status = U_ILLEGAL_ARGUMENT_ERROR; return 0;
    }
    if (U_FAILURE(s)) {
        *status = s;
        return 0;
    }
    int32_t len = unorm2_normalize(n, (const UChar *)src, length, (UChar *)dest, capacity, &s);
    *status = s;
    return len;
}

int32_t pmt_fold_case(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity,
                      int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t len = u_strFoldCase((UChar *)dest, capacity, (const UChar *)src, length,
                                U_FOLD_CASE_DEFAULT, &s);
    *status = s;
    return len;
}

int32_t pmt_script_of(uint32_t code_point) {
    UErrorCode s = U_ZERO_ERROR;
    UScriptCode code = uscript_getScript((UChar32)code_point, &s);
    return U_FAILURE(s) ? PMT_DONE : (int32_t)code;
}

int32_t pmt_dominant_script(const uint16_t *text, int32_t length) {
    enum { LIMIT = 256 };
    int32_t counts[LIMIT] = {0};
    int32_t best = PMT_DONE;
    int32_t i = 0;
    while (i < length) {
        UChar32 c;
        U16_NEXT(text, i, length, c);
        int32_t code = pmt_script_of((uint32_t)c);
        if (code < 0 || code >= LIMIT || code == USCRIPT_COMMON || code == USCRIPT_INHERITED ||
            code == USCRIPT_UNKNOWN)
            continue;
        counts[code] += 1;
        // Strictly more: on a tie the leader keeps its place.
        if (best == PMT_DONE || (code != best && counts[code] > counts[best])) best = code;
    }
    return best;
}

const char *pmt_script_short_name(int32_t script) {
    return uscript_getShortName((UScriptCode)script);
}

const char *pmt_error_name(int32_t status) { return u_errorName((UErrorCode)status); }

int32_t pmt_buffer_overflow_status(void) { return U_BUFFER_OVERFLOW_ERROR; }
