namespace PainPro.Instruments.Texts;

/// <summary>Neutral Latin American Spanish, addressing the patient as usted.</summary>
internal static class Spanish
{
    private static readonly MstsWording Msts = new(
        Between: "Entre {0} y {1}",
        MstsSmsPrompt: "{0}: {1} Responda 5 = {2}; 3 = {3}; 1 = {4}; 0 = {5} (4 o 2 si está entre dos respuestas).",
        MstsExpected: "un solo número entero del 0 al 5 (5 = {0}, 0 = {1})");

    public static LocaleTexts Texts { get; } = new(
        Locale: "es",
        Items: new Dictionary<string, ItemText>(
        [
            new(ItemCodes.Vas, new ItemText(
                Question: "¿Cuánto le duele la zona tratada en este momento?",
                Anchors: new Dictionary<int, string> { [0] = "Sin dolor", [10] = "El peor dolor imaginable" },
                SmsPrompt: "¿Cuánto le duele la zona tratada en este momento? 0 = sin dolor, 10 = el peor dolor imaginable. "
                    + "Responda con un número del 0 al 10.",
                Expected: "un solo número entero del 0 (sin dolor) al 10 (el peor dolor imaginable)",
                Title: "Dolor")),
            new(ItemCodes.Analgesic, new ItemText(
                Question: "En comparación con antes de su procedimiento, ¿está tomando menos medicamentos para el dolor, "
                    + "aproximadamente lo mismo, o más?",
                Anchors: new Dictionary<int, string>
                {
                    [1] = "Menos medicamentos para el dolor",
                    [2] = "Aproximadamente lo mismo",
                    [3] = "Más medicamentos para el dolor",
                },
                SmsPrompt: "En comparación con antes de su procedimiento, ¿está tomando 1 = menos medicamentos para el dolor, "
                    + "2 = aproximadamente lo mismo, 3 = más? Responda 1, 2 o 3.",
                Expected: "1 (menos medicamentos para el dolor), 2 (aproximadamente lo mismo) o 3 (más)",
                Title: "Medicamentos para el dolor")),

            Msts.Item(ItemCodes.MstsPain, "Dolor en la extremidad",
                "¿Cuánto dolor tiene en el brazo o la pierna tratados?",
                five: "Sin dolor",
                three: "Dolor leve, no me incapacita",
                one: "Dolor moderado, a veces me incapacita",
                zero: "Dolor intenso, me incapacita todo el tiempo"),
            Msts.Item(ItemCodes.MstsFunction, "Función",
                "¿Cuánto le limita el brazo o la pierna tratados en lo que hace?",
                five: "Sin limitaciones",
                three: "Me limita en mis actividades de ocio",
                one: "Me limita en parte en el trabajo o en mis actividades habituales",
                zero: "Me impide por completo trabajar o hacer mis actividades habituales"),
            Msts.Item(ItemCodes.MstsEmotional, "Aceptación emocional",
                "¿Cómo se siente con el brazo o la pierna tratados y con cómo funcionan ahora?",
                five: "Con entusiasmo",
                three: "Con satisfacción",
                one: "Lo acepto",
                zero: "No me gusta"),

            Msts.Item(ItemCodes.MstsSupports, "Apoyos",
                "¿Qué apoyo usa para caminar?",
                five: "Ninguno",
                three: "Una férula u ortesis",
                one: "Un bastón o una muleta",
                zero: "Dos bastones o dos muletas"),
            Msts.Item(ItemCodes.MstsWalking, "Caminar",
                "¿Cuánto puede caminar?",
                five: "Sin límite",
                three: "Una distancia limitada",
                one: "Solo dentro de casa",
                zero: "No puedo caminar sin ayuda"),
            Msts.Item(ItemCodes.MstsGait, "Forma de caminar",
                "¿Cómo camina?",
                five: "Con normalidad",
                three: "Con un cambio leve en cómo se ve",
                one: "Con un cambio importante en cómo se ve",
                zero: "Con una discapacidad importante"),

            Msts.Item(ItemCodes.MstsHandPositioning, "Posición de la mano",
                "¿Con qué libertad puede colocar la mano donde quiere?",
                five: "En cualquier posición",
                three: "No por encima del hombro, o no puedo girar la palma hacia arriba y hacia abajo",
                one: "No por encima de la cintura",
                zero: "No puedo colocar la mano"),
            Msts.Item(ItemCodes.MstsDexterity, "Destreza manual",
                "¿Qué tan bien puede usar la mano y los dedos?",
                five: "Con normalidad",
                three: "He perdido los movimientos finos",
                one: "No puedo hacer pinza",
                zero: "No puedo agarrar"),
            Msts.Item(ItemCodes.MstsLifting, "Capacidad para levantar peso",
                "¿Cuánto puede levantar con el brazo tratado?",
                five: "Un peso normal",
                three: "Un peso limitado",
                one: "Solo puede ayudar al otro brazo",
                zero: "No puede ayudar en absoluto"),
        ]),
        InstrumentTitles: Locales.Titles(
            vas: "Dolor",
            analgesic: "Medicamentos para el dolor",
            mstsLower: "Caminar y actividades diarias",
            mstsUpper: "Brazo, mano y actividades diarias"),
        Thanks: "Gracias. Hemos recibido sus respuestas. Si le preocupan sus síntomas, llame a su equipo de atención.",
        ContinueOnWebFormat: "Gracias. Por favor, responda algunas preguntas más sobre sus actividades diarias aquí: {0}",
        NoOpenSurvey: "Gracias por su mensaje. En este momento no hay ningún cuestionario pendiente de respuesta. "
            + "Si necesita ayuda, llame a su equipo de atención.",
        Help: "Cuestionarios de recuperación PainPro de su equipo de atención. Responda con el número que se le pide. "
            + "Responda STOP para dejar de recibir estos mensajes, START para volver a recibirlos. "
            + "Para consultas médicas, llame a su equipo de atención; en una emergencia, llame al número de emergencias local.",
        OptedOut: "Ya no recibirá más mensajes de PainPro. Responda START para volver a recibirlos.",
        OptedIn: "Volverá a recibir mensajes de PainPro. Responda STOP para dejar de recibirlos en cualquier momento.",
        NotAnAnswerFormat: "Disculpe, no pudimos entender su respuesta. Por favor, responda con {0}.",
        WebForm: new WebFormText(
            Locale: "es",
            Title: "Su cuestionario de recuperación",
            Intro: "Por favor, responda cada pregunta sobre cómo se encuentra hoy. Le llevará unos dos minutos.",
            Submit: "Enviar mis respuestas",
            ErrorSummaryTitle: "Por favor, revise sus respuestas",
            AnswerRequired: "Por favor, elija una respuesta.",
            AnswerInvalid: "Por favor, elija una de las respuestas que se muestran.",
            ThanksTitle: "Gracias",
            ThanksBody: "Hemos recibido sus respuestas. Puede usar el mismo enlace para cambiarlas hasta que el cuestionario se cierre.",
            UpdatedTitle: "Sus respuestas se han actualizado",
            UpdatedBody: "Hemos reemplazado sus respuestas anteriores por estas.",
            ExpiredTitle: "Este cuestionario está cerrado",
            ExpiredBody: "El plazo para responder este cuestionario ha terminado. Si tiene preguntas sobre su recuperación, "
                + "llame a su equipo de atención.",
            UnknownTitle: "No encontramos este cuestionario",
            UnknownBody: "Compruebe que el enlace esté completo, tal como aparecía en su mensaje.",
            TooManyRequestsTitle: "Por favor, espere un momento",
            TooManyRequestsBody: "Hubo demasiados intentos desde este dispositivo. Vuelva a intentarlo en unos minutos.",
            UrgentCareNote: "Si tiene un dolor intenso o se siente mal, llame a su equipo de atención. "
                + "En una emergencia, llame al número de emergencias local."));
}
