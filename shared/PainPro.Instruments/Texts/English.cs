namespace PainPro.Instruments.Texts;

internal static class English
{
    private static readonly MstsWording Msts = new(
        Between: "Between {0} and {1}",
        MstsSmsPrompt: "{0}: {1} Reply 5 = {2}; 3 = {3}; 1 = {4}; 0 = {5} (4 or 2 if in between).",
        MstsExpected: "one whole number from 0 to 5 (5 = {0}, 0 = {1})");

    public static LocaleTexts Texts { get; } = new(
        Locale: "en",
        Items: new Dictionary<string, ItemText>(
        [
            new(ItemCodes.Vas, new ItemText(
                Question: "How bad is the pain at the treated area right now?",
                Anchors: new Dictionary<int, string> { [0] = "No pain", [10] = "Worst pain imaginable" },
                SmsPrompt: "How bad is the pain at the treated area right now? 0 = no pain, 10 = worst pain imaginable. "
                    + "Reply with one number from 0 to 10.",
                Expected: "one whole number from 0 (no pain) to 10 (worst pain imaginable)",
                Title: "Pain")),
            new(ItemCodes.Analgesic, new ItemText(
                Question: "Compared with before your procedure, are you taking less pain medicine, about the same, or more?",
                Anchors: new Dictionary<int, string>
                {
                    [1] = "Less pain medicine",
                    [2] = "About the same",
                    [3] = "More pain medicine",
                },
                SmsPrompt: "Compared with before your procedure, are you taking 1 = less pain medicine, 2 = about the same, "
                    + "3 = more? Reply 1, 2 or 3.",
                Expected: "1 (less pain medicine), 2 (about the same) or 3 (more)",
                Title: "Pain medicine")),

            Msts.Item(ItemCodes.MstsPain, "Limb pain",
                "How much pain do you have in the treated arm or leg?",
                five: "No pain",
                three: "Modest pain, not disabling",
                one: "Moderate pain, disabling at times",
                zero: "Severe pain, disabling all the time"),
            Msts.Item(ItemCodes.MstsFunction, "Function",
                "How much does the treated arm or leg restrict what you do?",
                five: "No restriction",
                three: "It restricts my leisure activities",
                one: "It partly restricts my work or usual activities",
                zero: "It totally restricts my work or usual activities"),
            Msts.Item(ItemCodes.MstsEmotional, "Emotional acceptance",
                "How do you feel about the treated arm or leg and how it works now?",
                five: "Enthusiastic",
                three: "Satisfied",
                one: "I accept it",
                zero: "I dislike it"),

            Msts.Item(ItemCodes.MstsSupports, "Supports",
                "What support do you use to walk?",
                five: "None",
                three: "A brace",
                one: "One cane or crutch",
                zero: "Two canes or crutches"),
            Msts.Item(ItemCodes.MstsWalking, "Walking",
                "How far can you walk?",
                five: "Unlimited",
                three: "A limited distance",
                one: "Indoors only",
                zero: "I cannot walk without help"),
            Msts.Item(ItemCodes.MstsGait, "Gait",
                "How do you walk?",
                five: "Normally",
                three: "With a minor change in how it looks",
                one: "With a major change in how it looks",
                zero: "With a major handicap"),

            Msts.Item(ItemCodes.MstsHandPositioning, "Hand positioning",
                "How freely can you place your hand where you want it?",
                five: "Anywhere",
                three: "Not above my shoulder, or I cannot turn my palm up and down",
                one: "Not above my waist",
                zero: "I cannot position my hand"),
            Msts.Item(ItemCodes.MstsDexterity, "Manual dexterity",
                "How well can you use your hand and fingers?",
                five: "Normally",
                three: "I have lost fine movements",
                one: "I cannot pinch",
                zero: "I cannot grasp"),
            Msts.Item(ItemCodes.MstsLifting, "Lifting ability",
                "How much can you lift with the treated arm?",
                five: "A normal load",
                three: "A limited load",
                one: "It can only help the other arm",
                zero: "It cannot help at all"),
        ]),
        InstrumentTitles: Locales.Titles(
            vas: "Pain",
            analgesic: "Pain medicine",
            mstsLower: "Walking and daily activities",
            mstsUpper: "Arm, hand and daily activities"),
        Thanks: "Thank you. We have received your answers. If you are worried about your symptoms, please call your care team.",
        ContinueOnWebFormat: "Thank you. Please answer a few more questions about your daily activities here: {0}",
        NoOpenSurvey: "Thank you for your message. There is no questionnaire waiting for an answer right now. "
            + "If you need help, please call your care team.",
        Help: "PainPro recovery questionnaires from your care team. Reply with the number asked for. "
            + "Reply STOP to stop these messages, START to receive them again. "
            + "For medical questions call your care team; in an emergency call your local emergency number.",
        OptedOut: "You will not receive more messages from PainPro. Reply START to receive them again.",
        OptedIn: "You will receive PainPro messages again. Reply STOP to stop them at any time.",
        NotAnAnswerFormat: "Sorry, we could not read that as an answer. Please reply with {0}.",
        WebForm: new WebFormText(
            Locale: "en",
            Title: "Your recovery questionnaire",
            Intro: "Please answer each question about how you are today. It takes about two minutes.",
            Submit: "Send my answers",
            ErrorSummaryTitle: "Please check your answers",
            AnswerRequired: "Please choose an answer.",
            AnswerInvalid: "Please choose one of the answers shown.",
            ThanksTitle: "Thank you",
            ThanksBody: "We have received your answers. You can use the same link to change them until the questionnaire closes.",
            UpdatedTitle: "Your answers were updated",
            UpdatedBody: "We have replaced your earlier answers with these ones.",
            ExpiredTitle: "This questionnaire has closed",
            ExpiredBody: "The time to answer this questionnaire is over. If you have questions about your recovery, "
                + "please call your care team.",
            UnknownTitle: "We could not find this questionnaire",
            UnknownBody: "Please check that the link is complete, exactly as it was in your message.",
            TooManyRequestsTitle: "Please wait a moment",
            TooManyRequestsBody: "There were too many attempts from this device. Please try again in a few minutes.",
            UrgentCareNote: "If your pain is severe or you feel unwell, call your care team. "
                + "In an emergency, call your local emergency number."));
}
