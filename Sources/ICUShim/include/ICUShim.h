// ICUShim: a tiny C surface over ICU for Swift.
//
// Only <stdint.h>/<stddef.h> types appear here: Debian's ICU renames its symbols through
// macros (ubrk_open -> ubrk_open_72) that Swift cannot see, and ICU's own headers clash
// with Foundation's bundled ICU (UErrorCode). Text crosses as UTF-16 code units.
//
// Status codes are ICU UErrorCode values: 0 is success, negative values are warnings
// (also success), positive values are failures; pmt_error_name() names any of them.
#ifndef PMT_ICU_SHIM_H
#define PMT_ICU_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PMT_DONE (-1)  // break iteration finished; also "no script"

// ---- break iteration -------------------------------------------------------------------

#define PMT_BREAK_SENTENCE 0
#define PMT_BREAK_WORD 1

// Word-break rule status ranges (ICU's UWordBreak): a segment's status lies in [X, X_LIMIT).
#define PMT_WORD_NONE 0      // spaces, punctuation
#define PMT_WORD_NONE_LIMIT 100
#define PMT_WORD_NUMBER 100
#define PMT_WORD_NUMBER_LIMIT 200
#define PMT_WORD_LETTER 200
#define PMT_WORD_LETTER_LIMIT 300
#define PMT_WORD_KANA 300
#define PMT_WORD_KANA_LIMIT 400
#define PMT_WORD_IDEO 400
#define PMT_WORD_IDEO_LIMIT 500

// An open break iterator; it owns a private copy of its text (and of binary rules).
typedef struct pmt_break pmt_break;

// Where ubrk_openRules stopped: 1-based line and column (offset), and up to 15 UTF-16
// units of context either side (NUL-terminated).
typedef struct pmt_parse_error {
    int32_t line;
    int32_t offset;
    uint16_t pre_context[16];
    uint16_t post_context[16];
} pmt_parse_error;

// Each opener returns a status; on success *out holds a handle for pmt_break_close.
int32_t pmt_break_open(int32_t kind, const char *locale, pmt_break **out);
int32_t pmt_break_open_rules(const uint16_t *rules, int32_t length, pmt_parse_error *parse_error,
                             pmt_break **out);
int32_t pmt_break_open_binary(const uint8_t *data, int32_t length, pmt_break **out);
void pmt_break_close(pmt_break *b);

// Compiled rules (for pmt_break_open_binary). Returns the size needed; copies them when it
// fits in capacity, else sets *status to a buffer-overflow failure.
int32_t pmt_break_binary_rules(pmt_break *b, uint8_t *dest, int32_t capacity, int32_t *status);

// Copies the text and resets iteration to its start.
int32_t pmt_break_set_text(pmt_break *b, const uint16_t *text, int32_t length);
// Boundaries as UTF-16 offsets; PMT_DONE after the last.
int32_t pmt_break_first(pmt_break *b);
int32_t pmt_break_next(pmt_break *b);
// Status of the rule that produced the current boundary (see PMT_WORD_*).
int32_t pmt_break_rule_status(const pmt_break *b);

// ---- normalization and case folding ----------------------------------------------------

#define PMT_NFC 0
#define PMT_NFKC 1
#define PMT_NFKC_CASEFOLD 2

// Both write at most capacity units to dest (never overlapping src) and return the full
// result length; when that exceeds capacity, *status is a buffer-overflow failure and the
// caller retries with a larger buffer (dest may be NULL with capacity 0 to preflight).
int32_t pmt_normalize(int32_t form, const uint16_t *src, int32_t length, uint16_t *dest,
                      int32_t capacity, int32_t *status);
// Full (not simple) default case folding: "ß" -> "ss".
int32_t pmt_fold_case(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity,
                      int32_t *status);

// ---- scripts ---------------------------------------------------------------------------

// ICU UScriptCode of a code point (PMT_DONE for an invalid one).
int32_t pmt_script_of(uint32_t code_point);
// The script with the most code points in text, Common and Inherited ignored; ties go to
// the script that reached the top count first. PMT_DONE when the text has no such code point.
int32_t pmt_dominant_script(const uint16_t *text, int32_t length);
// ISO 15924 short name ("Latn", "Hang", "Hani", "Hira", "Kana", …) or NULL. Static storage.
const char *pmt_script_short_name(int32_t script);

// ---- errors ----------------------------------------------------------------------------

// ICU's name for a status ("U_BRK_RULE_SYNTAX", …). Static storage.
const char *pmt_error_name(int32_t status);
// The status used for "a buffer was too small" (so callers need not hard-code it).
int32_t pmt_buffer_overflow_status(void);

#ifdef __cplusplus
}
#endif

#endif
