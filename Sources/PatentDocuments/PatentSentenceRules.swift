/// ICU break rules for sentences in patent text: the UAX #29 sentence-boundary rules
/// (SB1–SB11) in ICU's rule syntax, which on their own segment as ICU's standard sentence
/// iterator does, plus rules that keep a sentence going after patent abbreviations
/// ("FIG. 1A", "U.S. Pat. No. 5,123,456", "E.g. The") and after a leading claim or list
/// number ("1. A device").
public enum PatentSentenceRules {
    /// Abbreviations after which no sentence ends. "etc." is deliberately absent: in patent
    /// text it ends sentences as often as not.
    public static let abbreviations: [String] = [
        "FIG.", "FIGS.", "Fig.", "Figs.", "No.", "Nos.", "Pat.", "Pats.", "U.S.",
        "Ref.", "Refs.", "e.g.", "E.g.", "i.e.", "I.e.", "et al.", "cf.", "Cf.",
        "approx.", "Approx.", "Eq.", "Eqs.", "Ser.", "Appl.", "Pub.", "Publ.", "vs.", "viz.",
    ]

    /// The rule source with the standard `abbreviations`.
    public static let source = rules(abbreviations: abbreviations)

    /// The rule source with another abbreviation list; each entry ends with its period and
    /// may hold inner periods or spaces ("U.S.", "et al.").
    public static func rules(abbreviations: [String]) -> String {
        let literals = abbreviations.map { abbreviation -> String in
            precondition(abbreviation.count > 1 && abbreviation.hasSuffix("."),
                         "abbreviation \"\(abbreviation)\" must end with a period")
            precondition(!abbreviation.contains("\\"), "abbreviation \"\(abbreviation)\" holds a backslash")
            // The final period is matched by the rules as $ATerm; '' is ICU's escaped quote.
            return "'" + String(abbreviation.dropLast().flatMap { $0 == "'" ? ["'", "'"] : [$0] }) + "'"
        }
        var rules = uax29
        if !literals.isEmpty {
            rules += """

                # Patent abbreviations (the period that follows is matched separately).
                $Abbrev = (\(literals.joined(separator: " | ")));
                $AbbrevDot = $Abbrev $ATermEx $CloseEx* $SpEx*;

                # Mid-sentence: a word end, spaces or brackets, abbreviations, then the next word.
                # Starting on $Plain keeps a real sentence end (which ends on a space or closer)
                # from chaining in, and the required space keeps "CONFIG." from matching.
                $Plain $Ign ($SpEx | $CloseEx)+ $AbbrevDot+ $Plain;
                # Sentence-initial ("E.g. The", "FIG. 2 shows"): ^ allows a start only where a
                # sentence starts.
                ^$AbbrevDot+ $Plain;

                """
        }
        // "1. A device": a number and period opening a sentence is a claim or list number.
        rules += "^$NumericEx+ $ATermEx $CloseEx* $SpEx* \(literals.isEmpty ? "" : "$AbbrevDot* ")$Plain;\n"
        return rules
    }

    /// UAX #29 sentence boundaries. ICU applies the longest match; with !!chain a match may
    /// continue into a rule that starts on its last character.
    private static let uax29 = #"""
        !!quoted_literals_only;
        !!chain;

        $CR        = [\p{Sentence_Break = CR}];
        $LF        = [\p{Sentence_Break = LF}];
        $Extend    = [\p{Sentence_Break = Extend}];
        $Sep       = [\p{Sentence_Break = Sep}];
        $Format    = [\p{Sentence_Break = Format}];
        $Sp        = [\p{Sentence_Break = Sp}];
        $Lower     = [\p{Sentence_Break = Lower}];
        $Upper     = [\p{Sentence_Break = Upper}];
        $OLetter   = [\p{Sentence_Break = OLetter}];
        $Numeric   = [\p{Sentence_Break = Numeric}];
        $ATerm     = [\p{Sentence_Break = ATerm}];
        $SContinue = [\p{Sentence_Break = SContinue}];
        $STerm     = [\p{Sentence_Break = STerm}];
        $Close     = [\p{Sentence_Break = Close}];

        # SB5: Extend and Format attach to what precedes them.
        $Ign         = ($Extend | $Format)*;
        $SpEx        = $Sp $Ign;
        $LowerEx     = $Lower $Ign;
        $UpperEx     = $Upper $Ign;
        $NumericEx   = $Numeric $Ign;
        $ATermEx     = $ATerm $Ign;
        $STermEx     = $STerm $Ign;
        $CloseEx     = $Close $Ign;
        $SContinueEx = $SContinue $Ign;
        $Term        = ($STermEx | $ATermEx);
        # What ordinary sentence text starts on: nothing a terminator sequence may end on.
        $Plain       = [^$STerm $ATerm $Close $Sp $Sep $CR $LF $Extend $Format];

        # SB3, SB4: CR LF stays together; break after any separator.
        $CR $LF;
        [^$Sep $CR $LF]? ($Extend | $Format)*;
        # SB6: "3.5"
        $ATermEx $NumericEx;
        # SB7: "U.S"
        ($UpperEx | $LowerEx) $ATermEx $UpperEx;
        # SB8: no break when the next letter is lower case ("e.g. optical").
        $ATermEx $CloseEx* $SpEx* ([^$OLetter $Upper $Lower $Sep $CR $LF $ATerm $STerm] $Ign)* $LowerEx;
        # SB8a: "etc.," and runs of terminators.
        $Term $CloseEx* $SpEx* ($SContinueEx | $Term);
        # SB9-SB11: a terminator, closers, spaces and at most one separator end a sentence.
        $Term $CloseEx* $SpEx* ($Sep | $CR | $LF | $CR $LF)?;
        # SB998: anything else continues the sentence; status 100 marks a separator end.
        [$Plain {bof}] ($Extend | $Format | $Close | $Sp)* .;
        [$Plain {bof}] ($Extend | $Format | $Close | $Sp)* ([$Sep $LF $CR {eof}] | $CR $LF) {100};

        """#
}
