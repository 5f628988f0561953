namespace PainPro.Instruments.Texts;

/// <summary>
/// Plain US English at a grade-6 reading level or below. One wording per item in every channel: the web form and the
/// text messages use the same question and the same anchors.
/// </summary>
internal static class English
{
    private static readonly MstsWording Msts = new(
        InBetween: "In between the answer above and the one below",
        SmsPrompt: "{0} Reply 5 = {1}; 3 = {2}; 1 = {3}; 0 = {4}. Reply 4 or 2 if you are in between.",
        CompactSmsPrompt: "{0} 5 = {1}; 3 = {2}; 1 = {3}; 0 = {4}; 4 or 2 = in between.",
        Expected: "with one number from 0 to 5, as listed in our question",
        Recorded: "{0}",
        RecordedSample: "Got it: 5.");

    public static LocaleTexts Texts { get; } = new(
        Locale: "en",
        Items: new Dictionary<string, ItemText>(
        [
            new(ItemCodes.Vas, new ItemText(
                Question: "How bad is the pain at the treated area right now?",
                Anchors: new Dictionary<int, string> { [0] = "No pain", [10] = "Worst possible pain" },
                SmsPrompt: "How bad is the pain at the treated area right now? Reply with one number from 0 (no pain) to 10 (worst possible pain).",
                Expected: "with one number from 0 (no pain) to 10 (worst possible pain)",
                Title: "Pain",
                Hint: null,
                Recorded: "pain {0} out of 10")),
            new(ItemCodes.Analgesic, new ItemText(
                Question: "Compared with before your procedure, do you take less pain medicine, about the same, or more?",
                Anchors: new Dictionary<int, string>
                {
                    [1] = "Less pain medicine",
                    [2] = "About the same",
                    [3] = "More pain medicine",
                },
                SmsPrompt: "Compared with before your procedure, do you take less pain medicine, about the same, or more? "
                    + "Reply 1 = less, 2 = about the same, 3 = more. If you take none now, reply 1 if you took some before, or 2 if you never did.",
                Expected: "1 (less pain medicine), 2 (about the same) or 3 (more)",
                Title: "Pain medicine",
                Hint: "If you take none now, choose 1 if you took some before, or 2 if you never did.",
                Recorded: "{0} = {1}")),

            Msts.Item(ItemCodes.MstsPain, "Limb pain",
                "How much pain do you have in the treated arm or leg?",
                five: "No pain",
                three: "Some pain, but it does not stop me from doing things",
                one: "Pain that stops me from doing things at times",
                zero: "Bad pain that stops me from doing things all the time"),
            Msts.Item(ItemCodes.MstsFunction, "Function",
                "How much does the treated arm or leg limit what you do?",
                five: "It does not limit me",
                three: "It limits my hobbies or free time",
                one: "It limits some of my work or daily tasks",
                zero: "I cannot do my work or daily tasks"),
            Msts.Item(ItemCodes.MstsEmotional, "Emotional acceptance",
                "How do you feel about the treated arm or leg now?",
                five: "I like it a lot",
                three: "It is fine with me",
                one: "I accept it",
                zero: "I do not like it"),

            Msts.Item(ItemCodes.MstsSupports, "Supports",
                "What do you use to help you walk?",
                five: "Nothing",
                three: "A brace",
                one: "One cane or crutch",
                zero: "Two canes or crutches"),
            Msts.Item(ItemCodes.MstsWalking, "Walking",
                "How far can you walk?",
                five: "As far as I want",
                three: "Only a short way",
                one: "Only inside my home",
                zero: "I cannot walk without help"),
            Msts.Item(ItemCodes.MstsGait, "Gait",
                "How do you walk?",
                five: "Like I used to",
                three: "With a small change that others may see",
                one: "With a big change that others can see",
                zero: "With a big change that makes walking very hard"),

            Msts.Item(ItemCodes.MstsHandPositioning, "Hand positioning",
                "How freely can you place your hand where you want it?",
                five: "Anywhere",
                three: "Not above my shoulder, or I cannot turn my palm up and down",
                one: "Not above my waist",
                zero: "I cannot place my hand where I want"),
            Msts.Item(ItemCodes.MstsDexterity, "Manual dexterity",
                "How well can you use your hand and fingers?",
                five: "Like I used to",
                three: "I cannot do small, careful tasks, like buttons",
                one: "I cannot pick up small things between my finger and thumb",
                zero: "I cannot grip things"),
            Msts.Item(ItemCodes.MstsLifting, "Lifting ability",
                "How much can you lift with the treated arm?",
                five: "As much as I used to",
                three: "Less than I used to",
                one: "It can only help the other arm",
                zero: "It cannot help at all"),
        ]),
        InstrumentTitles: Locales.Titles(
            vas: "Pain",
            analgesic: "Pain medicine",
            mstsLower: "Walking and daily activities",
            mstsUpper: "Arm, hand and daily activities"),
        Conversation: new ConversationWording(
            RecordedFormat: "Got it: {0}.",
            Thanks: "Thank you, we have all your answers. To change one, reply PAIN or MEDICINE and the number, like PAIN 5. "
                + "If you are worried about your health: {care}",
            ContinueOnWeb: "Thank you. Please answer a few more questions on this page: {link}",
            NoOpenSurvey: "Thank you for your message. No questions are waiting for an answer now. {care}",
            MessageNoted: "Thank you for your message. {care}",
            Help: "PainPro texts you questions from your care team about your recovery. Reply with the number we ask for. "
                + "Reply STOP to stop these texts, or START to get them again. Texts are not read right away. {care}",
            OptedOut: "You will get no more texts from PainPro. Reply START to get them again.",
            OptedIn: "You will get PainPro texts again. Reply STOP to stop them at any time.",
            NotAnAnswer: "Sorry, we could not read that as an answer. {reply} {care}",
            ReplyWith: "Please reply {expected}.",
            ReadLater: "A person will read your message, but not right away.",
            CareLineWithPhone: "To talk to your care team, call {phone}. In an emergency, call {emergency}.",
            CareLineWithoutPhone: "To talk to your care team, call the number they gave you. In an emergency, call {emergency}.",
            UrgentCareNoteWithPhone: "Your answers are not read right away. If your pain is bad or you feel unwell, call your care team at {phone}. "
                + "In an emergency, call {emergency}.",
            UrgentCareNoteWithoutPhone: "Your answers are not read right away. If your pain is bad or you feel unwell, call your care team. "
                + "In an emergency, call {emergency}."),
        WebForm: new WebFormText(
            Locale: "en",
            Title: "Your recovery questions",
            Intro: "Please answer each question about how you are today. It takes about two minutes.",
            Submit: "Send my answers",
            ErrorSummaryTitle: "Please check your answers",
            AnswerRequired: "Please choose an answer.",
            AnswerInvalid: "Please choose one of the answers shown.",
            ThanksTitle: "Thank you",
            ThanksBody: "We have your answers. You can use the same link to change them until the questions close.",
            UpdatedTitle: "Your answers were updated",
            UpdatedBody: "We kept your new answers. Your care team can still see the ones you gave before.",
            ExpiredTitle: "These questions have closed",
            ExpiredBody: "The time to answer these questions is over. If you have questions about your recovery, please call your care team.",
            UnknownTitle: "We could not find your questions",
            UnknownBody: "Please check that the link is complete, just as it was in your message.",
            TooManyRequestsTitle: "Please wait a moment",
            TooManyRequestsBody: "There were too many tries from this device. Please try again in a few minutes.",
            ChartTitle: "Your pain so far",
            ChartIntro: "Each bar is your pain on a scale from 0 (no pain) to 10 (worst possible pain).",
            ChartPointFormat: "{0}: {1} out of 10",
            ChartNoBaseline: "We do not have your pain from before your procedure.",
            TimepointLabels: Locales.Timepoints(baseline: "Before your procedure", day3: "Day 3", month1: "Month 1", month3: "Month 3")));
}
