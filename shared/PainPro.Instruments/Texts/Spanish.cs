namespace PainPro.Instruments.Texts;

/// <summary>
/// Neutral Latin American Spanish, addressing the patient as usted, at a grade-6 reading level or below; "equipo médico"
/// throughout. Texts sent by SMS avoid á, í, ó and ú by their choice of words (é, ñ, ü, ¿ and ¡ are in the GSM-7
/// alphabet), so they travel as GSM-7, 153 characters a part, not as UCS-2, 67 a part. Only "bastón" cannot be
/// avoided: that one item's text is UCS-2 and written to fit two segments as such.
/// </summary>
internal static class Spanish
{
    private static readonly MstsWording Msts = new(
        InBetween: "Entre la respuesta de arriba y la de abajo",
        SmsPrompt: "{0} Responda 5 = {1}; 3 = {2}; 1 = {3}; 0 = {4}. Responda 4 o 2 si queda entre dos respuestas.",
        CompactSmsPrompt: "{0} 5 = {1}; 3 = {2}; 1 = {3}; 0 = {4}; 4 o 2 = en medio.",
        Expected: "del 0 al 5, como en la lista de nuestra pregunta",
        Recorded: "{0}",
        RecordedSample: "Anotado: 5.");

    public static LocaleTexts Texts { get; } = new(
        Locale: "es",
        Items: new Dictionary<string, ItemText>(
        [
            new(ItemCodes.Vas, new ItemText(
                Question: "¿Qué tan fuerte es el dolor en la zona tratada ahora?",
                Anchors: new Dictionary<int, string> { [0] = "Sin dolor", [10] = "El peor dolor posible" },
                SmsPrompt: "¿Qué tan fuerte es el dolor en la zona tratada ahora? Responda del 0 (sin dolor) al 10 (el peor dolor posible).",
                Expected: "del 0 (sin dolor) al 10 (el peor dolor posible)",
                Title: "Dolor",
                Hint: null,
                Recorded: "dolor {0} de 10")),
            new(ItemCodes.Analgesic, new ItemText(
                Question: "Comparado con antes del procedimiento, ¿toma menos medicina para el dolor, la misma cantidad o una cantidad mayor?",
                Anchors: new Dictionary<int, string>
                {
                    [1] = "Menos medicina para el dolor",
                    [2] = "La misma cantidad",
                    [3] = "Una cantidad mayor",
                },
                SmsPrompt: "Comparado con antes del procedimiento, ¿toma menos medicina para el dolor, la misma cantidad o una cantidad mayor? "
                    + "Responda 1 = menos, 2 = la misma cantidad, 3 = una cantidad mayor. "
                    + "Si ahora no toma ninguna, responda 1 si antes tomaba, o 2 si nunca la ha tomado.",
                Expected: "1 (menos medicina para el dolor), 2 (la misma cantidad) o 3 (una cantidad mayor)",
                Title: "Medicina para el dolor",
                Hint: "Si ahora no toma ninguna, elija 1 si antes tomaba, o 2 si nunca la ha tomado.",
                Recorded: "{0} = {1}")),

            Msts.Item(ItemCodes.MstsPain, "Dolor en el brazo o la pierna",
                "¿Qué tanto dolor tiene en el brazo o la pierna tratados?",
                five: "Sin dolor",
                three: "Algo de dolor, pero no me impide hacer cosas",
                one: "Dolor que a veces me impide hacer cosas",
                zero: "Dolor fuerte que siempre me impide hacer cosas"),
            Msts.Item(ItemCodes.MstsFunction, "Función",
                "¿Qué tanto le limita el brazo o la pierna tratados en lo que hace?",
                five: "No me limita",
                three: "Me limita en mis pasatiempos o mi tiempo libre",
                one: "Me limita en parte de mi trabajo o mis tareas diarias",
                zero: "No puedo hacer mi trabajo ni mis tareas diarias"),
            Msts.Item(ItemCodes.MstsEmotional, "Cómo se siente",
                "¿Qué le parece ahora el brazo o la pierna tratados?",
                five: "Me gusta mucho",
                three: "Me parece bien",
                one: "Lo acepto",
                zero: "No me gusta"),

            Msts.Item(ItemCodes.MstsSupports, "Apoyos",
                "¿Qué usa para caminar?",
                five: "Nada",
                three: "Una férula",
                one: "Un bastón o muleta",
                zero: "Dos bastones o muletas"),
            Msts.Item(ItemCodes.MstsWalking, "Caminar",
                "¿Qué tan lejos puede caminar?",
                five: "Tan lejos como quiera",
                three: "Solo un poco",
                one: "Solo dentro de mi casa",
                zero: "No puedo caminar sin ayuda"),
            Msts.Item(ItemCodes.MstsGait, "Forma de caminar",
                "¿De qué manera camina ahora?",
                five: "Igual que antes",
                three: "Con un cambio pequeño que otros pueden notar",
                one: "Con un cambio grande que otros pueden ver",
                zero: "Con un cambio grande que hace que caminar me cueste mucho"),

            Msts.Item(ItemCodes.MstsHandPositioning, "Posición de la mano",
                "¿Puede poner la mano donde quiere?",
                five: "En cualquier lugar",
                three: "No por encima del hombro, o no puedo girar la palma hacia arriba y hacia abajo",
                one: "No por encima de la cintura",
                zero: "No puedo poner la mano donde quiero"),
            Msts.Item(ItemCodes.MstsDexterity, "Uso de la mano",
                "¿Qué tan bien puede usar la mano y los dedos?",
                five: "Igual que antes",
                three: "No puedo hacer tareas finas, como abrochar botones",
                one: "No puedo tomar cosas pequeñas entre el pulgar y otro dedo",
                zero: "No puedo agarrar cosas"),
            Msts.Item(ItemCodes.MstsLifting, "Levantar peso",
                "¿Qué tanto puede levantar con el brazo tratado?",
                five: "Lo mismo que antes",
                three: "Menos que antes",
                one: "Solo puede ayudar al otro brazo",
                zero: "No puede ayudar en nada"),
        ]),
        InstrumentTitles: Locales.Titles(
            vas: "Dolor",
            analgesic: "Medicina para el dolor",
            mstsLower: "Caminar y actividades diarias",
            mstsUpper: "Brazo, mano y actividades diarias"),
        Conversation: new ConversationWording(
            RecordedFormat: "Anotado: {0}.",
            Thanks: "Gracias, ya tenemos todas sus respuestas. Para cambiar una, responda por ejemplo DOLOR 5 o MEDICINA 2. "
                + "Si le preocupa su salud: {care}",
            ContinueOnWeb: "Gracias. Por favor, responda otras preguntas en este enlace: {link}",
            NoOpenSurvey: "Gracias por su mensaje. Ahora no hay preguntas esperando respuesta. {care}",
            MessageNoted: "Gracias por su mensaje. {care}",
            Help: "PainPro le manda preguntas de su equipo médico para saber si mejora. "
                + "Responda STOP para no recibir mensajes, o START para recibirlos de nuevo. Los mensajes no se leen enseguida. {care}",
            OptedOut: "Ya no va a recibir mensajes de PainPro. Responda START para volver a recibirlos.",
            OptedIn: "Va a recibir de nuevo los mensajes de PainPro. Responda STOP para dejarlos en cualquier momento.",
            NotAnAnswer: "Disculpe, no pudimos leer eso como una respuesta. {reply} {care}",
            ReplyWith: "Responda {expected}.",
            ReadLater: "Una persona va a leer su mensaje, pero no enseguida.",
            CareLineWithPhone: "Para hablar con su equipo médico, llame al {phone}. En una emergencia, llame al {emergency}.",
            CareLineWithoutPhone: "Para hablar con su equipo médico, llame al teléfono que le dieron. En una emergencia, llame al {emergency}.",
            UrgentCareNoteWithPhone: "Sus respuestas no se leen enseguida. Si tiene mucho dolor o se siente mal, llame a su equipo médico al {phone}. "
                + "En una emergencia, llame al {emergency}.",
            UrgentCareNoteWithoutPhone: "Sus respuestas no se leen enseguida. Si tiene mucho dolor o se siente mal, llame a su equipo médico. "
                + "En una emergencia, llame al {emergency}."),
        WebForm: new WebFormText(
            Locale: "es",
            Title: "Sus preguntas de recuperación",
            Intro: "Por favor, responda cada pregunta sobre cómo se siente hoy. Le tomará unos dos minutos.",
            Submit: "Enviar mis respuestas",
            ErrorSummaryTitle: "Por favor, revise sus respuestas",
            AnswerRequired: "Por favor, elija una respuesta.",
            AnswerInvalid: "Por favor, elija una de las respuestas que se muestran.",
            ThanksTitle: "Gracias",
            ThanksBody: "Ya tenemos sus respuestas. Puede usar el mismo enlace para cambiarlas hasta que las preguntas se cierren.",
            UpdatedTitle: "Sus respuestas se actualizaron",
            UpdatedBody: "Guardamos sus nuevas respuestas. Su equipo médico también puede ver las que dio antes.",
            ExpiredTitle: "Estas preguntas se cerraron",
            ExpiredBody: "El tiempo para responder estas preguntas terminó. Si tiene dudas sobre su recuperación, llame a su equipo médico.",
            UnknownTitle: "No encontramos sus preguntas",
            UnknownBody: "Revise que el enlace esté completo, tal como venía en su mensaje.",
            TooManyRequestsTitle: "Por favor, espere un momento",
            TooManyRequestsBody: "Hubo demasiados intentos desde este aparato. Vuelva a intentarlo en unos minutos.",
            ChartTitle: "Su dolor hasta ahora",
            ChartIntro: "Cada barra es su dolor en una escala del 0 (sin dolor) al 10 (el peor dolor posible).",
            ChartPointFormat: "{0}: {1} de 10",
            ChartNoBaseline: "No tenemos su dolor de antes del procedimiento.",
            TimepointLabels: Locales.Timepoints(baseline: "Antes del procedimiento", day3: "Día 3", month1: "Mes 1", month3: "Mes 3")));
}
