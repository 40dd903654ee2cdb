//! Interface text, French first and English second, and the wording of the API's error codes.

use jobbot_api_types::{ErrorCode, Problem};
use jobbot_domain::Locale;

/// The console and workspace builds write their own words with it (`jobbot_frontend::messages!`).
#[macro_export]
macro_rules! messages {
    ($($key:ident => ($fr:literal, $en:literal)),+ $(,)?) => {
        /// Every piece of interface text has a key; `t` picks the language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $($key),+ }

        pub fn t(locale: Locale, key: Key) -> &'static str {
            match (key, locale) {
                $((Key::$key, Locale::Fr) => $fr, (Key::$key, Locale::En) => $en,)+
            }
        }
    };
}

messages! {
    SkipToContent => ("Aller au contenu", "Skip to content"),
    Tagline => ("Votre assistant carrière", "Your career assistant"),
    Footer => ("JobBot — données hébergées en France.", "JobBot — data hosted in France."),
    NavHome => ("Accueil", "Home"),
    NavLogin => ("Se connecter", "Log in"),
    NavRegister => ("Créer un compte", "Sign up"),
    NavAccount => ("Mon compte", "My account"),
    NavAdmin => ("Administration", "Admin"),
    NavOffers => ("Offres", "Jobs"),
    NavAlerts => ("Alertes", "Alerts"),
    UnreadAlerts => ("non lues", "unread"),
    SavedSearches => ("Mes recherches", "My searches"),
    NewOffers => ("nouvelles offres", "new offers"),
    OneNewOffer => ("nouvelle offre", "new offer"),
    NoSavedSearch => ("Aucune recherche enregistrée.", "No saved search."),
    NavLogout => ("Se déconnecter", "Log out"),
    MainNav => ("Navigation principale", "Main navigation"),
    SwitchLanguage => ("Switch to English", "Passer en français"),
    SwitchLanguageShort => ("EN", "FR"),
    HeroTitle => ("Trouvez votre prochain emploi, accompagné.", "Find your next job, with a coach at your side."),
    HeroText => (
        "Un coach qui vous aide à préparer votre CV, votre lettre de motivation et vos entretiens, et des conversations à partager avec un proche ou un conseiller.",
        "A coach that helps you prepare your CV, cover letter and interviews, and conversations you can share with a friend or an adviser."
    ),
    Hello => ("Bonjour", "Hello"),
    WelcomeBack => ("Content de vous revoir sur JobBot.", "Welcome back to JobBot."),
    NextActions => ("Prochaines actions", "Next actions"),
    NoNextAction => ("Aucune action prévue : ajoutez-en une à vos candidatures.", "No action planned: add one to your applications."),
    MyApplications => ("Mes candidatures", "My applications"),
    ResponseRate => ("Taux de réponse", "Response rate"),
    OpenBoard => ("Ouvrir le tableau", "Open the board"),
    RecentConversations => ("Conversations récentes", "Recent conversations"),
    NoConversationYet => ("Aucune conversation pour l'instant.", "No conversation yet."),
    SearchOffers => ("Chercher des offres", "Search job offers"),
    MyProfile => ("Mon profil", "My profile"),
    StatusToSend => ("À envoyer", "To send"),
    StatusSent => ("Envoyée", "Sent"),
    StatusFollowedUp => ("Relancée", "Followed up"),
    StatusInterview => ("Entretien", "Interview"),
    StatusOfferReceived => ("Offre reçue", "Offer received"),
    StatusAccepted => ("Acceptée", "Accepted"),
    StatusRejected => ("Refusée", "Rejected"),
    StatusNoResponse => ("Sans réponse", "No response"),
    StatusAbandoned => ("Abandonnée", "Abandoned"),
    Email => ("Adresse e-mail", "Email address"),
    Password => ("Mot de passe", "Password"),
    OtpCode => ("Code de l'application d'authentification (ou code de secours)", "Authenticator app code (or a recovery code)"),
    OtpAsk => (
        "La connexion en deux étapes est activée : saisissez le code de votre application.",
        "Two-step sign-in is on: enter the code from your app."
    ),
    PasswordHint => ("8 à 128 caractères, évitez les mots de passe courants.", "8 to 128 characters; avoid common passwords."),
    DisplayName => ("Nom affiché", "Display name"),
    LoginTitle => ("Connexion", "Log in"),
    LoginSubmit => ("Se connecter", "Log in"),
    NoAccount => ("Pas encore de compte ?", "No account yet?"),
    RegisterTitle => ("Créer votre compte", "Create your account"),
    RegisterSubmit => ("Créer mon compte", "Create my account"),
    HaveAccount => ("Déjà un compte ?", "Already have an account?"),
    Working => ("Un instant…", "One moment…"),
    Save => ("Enregistrer", "Save"),
    CurrentPassword => ("Mot de passe actuel", "Current password"),
    NewPassword => ("Nouveau mot de passe", "New password"),
    TokenName => ("Nom du jeton", "Token name"),
    TokenScope => ("Droits", "Scope"),
    TokenExpiry => ("Expire dans (jours, vide = jamais)", "Expires in (days, empty = never)"),
    Copy => ("Copier", "Copy"),
    Copied => ("Copié", "Copied"),
    ModelLabel => ("Modèle", "Model"),
    EditQuestion => ("Modifier", "Edit"),
    EditQuestionLabel => ("Votre question modifiée", "Your edited question"),
    SendEdit => ("Envoyer", "Send"),
    PreviousVersion => ("Version précédente", "Previous version"),
    NextVersion => ("Version suivante", "Next version"),
    VersionOf => ("Version", "Version"),
    ModelChangeFailed => ("Le modèle n'a pas pu être changé.", "The model could not be changed."),
    FallbackNote => (
        "Écrite par le modèle de secours : le modèle choisi était surchargé ou indisponible",
        "Written by the fallback model: the chosen model was overloaded or unavailable"
    ),
    RateUp => ("Réponse utile", "Helpful answer"),
    RateDown => ("Réponse pas utile", "Unhelpful answer"),
    RatingThanks => ("Merci pour votre avis.", "Thanks for your feedback."),
    AddComment => ("Ajouter un commentaire", "Add a comment"),
    EditComment => ("Modifier le commentaire", "Edit the comment"),
    CommentLabel => ("Votre commentaire (facultatif, 2 000 caractères au plus)", "Your comment (optional, 2,000 characters at most)"),
    SendComment => ("Envoyer le commentaire", "Send the comment"),
    RatingFailed => ("Votre avis n'a pas pu être enregistré.", "Your feedback could not be saved."),
    Revoke => ("Révoquer", "Revoke"),
    Expires => ("expire le", "expires"),
    NotFoundTitle => ("Page introuvable", "Page not found"),
    BackHome => ("Retour à l'accueil", "Back to home"),
    Loading => ("Chargement…", "Loading…"),
    NavAssistant => ("Assistant", "Assistant"),
    Conversations => ("Conversations", "Conversations"),
    NewConversation => ("Nouvelle conversation", "New conversation"),
    SearchConversations => ("Rechercher dans les conversations", "Search conversations"),
    NoConversations => ("Aucune conversation. Posez votre première question !", "No conversations yet. Ask your first question!"),
    Rename => ("Renommer", "Rename"),
    Delete => ("Supprimer", "Delete"),
    ConfirmDelete => ("Supprimer cette conversation et tous ses messages ?", "Delete this conversation and all its messages?"),
    Title => ("Titre", "Title"),
    Cancel => ("Annuler", "Cancel"),
    BackToList => ("Conversations", "Conversations"),
    AskLabel => ("Votre question", "Your question"),
    AskPlaceholder => (
        "Ex. : Comment adapter mon CV à une offre de développeur ?",
        "E.g.: How do I tailor my CV to a developer job ad?"
    ),
    AskHint => ("Entrée pour envoyer, Maj+Entrée pour aller à la ligne.", "Enter to send, Shift+Enter for a new line."),
    Send => ("Envoyer", "Send"),
    Stop => ("Arrêter", "Stop"),
    Regenerate => ("Régénérer", "Regenerate"),
    Retry => ("Réessayer", "Retry"),
    You => ("Vous", "You"),
    JobBot => ("JobBot", "JobBot"),
    Writing => ("JobBot écrit…", "JobBot is writing…"),
    StoppedNote => ("Réponse arrêtée.", "Reply stopped."),
    FailedNote => ("La réponse n'a pas pu aboutir.", "The reply could not be completed."),
    OfflineBadge => (
        "Mode hors ligne : les réponses viennent des guides de JobBot, aucune IA n'est connectée.",
        "Offline mode: answers come from JobBot's guides; no AI is connected."
    ),
    NavChats => ("Discussions", "Chats"),
    NavShares => ("Mes partages", "My shares"),
    ChatsTitle => ("Discussions", "Chats"),
    StartChat => ("Écrire à quelqu'un", "Message someone"),
    TheirEmail => ("Son adresse e-mail", "Their email address"),
    Open => ("Ouvrir", "Open"),
    NoChats => ("Aucune discussion. Écrivez à un mentor, un ami ou un conseiller.", "No chats yet. Message a mentor, a friend or an adviser."),
    Unread => ("non lus", "unread"),
    WriteMessage => ("Votre message", "Your message"),
    PickChat => ("Choisissez une discussion.", "Pick a chat."),
    SharedConversation => ("Conversation JobBot partagée", "Shared JobBot conversation"),
    ModeSnapshot => ("Instantané", "Snapshot"),
    ModeLive => ("En direct", "Live"),
    StateActive => ("actif", "active"),
    StateRevoked => ("révoqué", "revoked"),
    StateRemoved => ("retiré par un administrateur", "removed by an administrator"),
    StateExpired => ("expiré", "expired"),
    UpdatedBadge => ("mis à jour", "updated"),
    MessagesCount => ("messages", "messages"),
    OpenTranscript => ("Voir la conversation", "View the conversation"),
    ContinueAsMine => ("Continuer comme ma conversation", "Continue as my conversation"),
    ShareGone => ("Ce partage a été révoqué ou a expiré.", "This share was revoked or has expired."),
    ShareInChat => ("Partager dans une discussion", "Share in a chat"),
    ShareTitle => ("Partager cette conversation", "Share this conversation"),
    ShareWith => ("Avec", "With"),
    Farewell => ("Votre compte a été supprimé.", "Your account has been deleted."),
    FarewellCounts => ("conversations, messages et partages supprimés :", "conversations, messages and shares deleted:"),
    ConsentTitle => ("Vos choix de cookies", "Your cookie choices"),
    ConsentText => (
        "JobBot n'utilise que les cookies nécessaires à son fonctionnement, sauf si vous acceptez d'autres usages. Vous pouvez changer d'avis à tout moment.",
        "JobBot only uses the cookies it needs to work, unless you accept other uses. You can change your mind at any time."
    ),
    AcceptAll => ("Tout accepter", "Accept all"),
    RefuseAll => ("Tout refuser", "Refuse all"),
    Customize => ("Personnaliser", "Customise"),
    SaveChoices => ("Enregistrer mes choix", "Save my choices"),
    PurposeNecessary => ("Strictement nécessaires (toujours actifs)", "Strictly necessary (always on)"),
    PurposeNecessaryHint => ("Session, protection contre la falsification de requêtes, mémorisation de ce choix.", "Session, request-forgery protection, remembering this choice."),
    PurposePreferences => ("Préférences", "Preferences"),
    PurposePreferencesHint => ("Retenir votre langue sur cet appareil avant connexion.", "Remember your language on this device before you log in."),
    PurposeMeasurement => ("Mesure d'audience", "Audience measurement"),
    PurposeMeasurementHint => ("Statistiques anonymes de fréquentation (aucun outil actif sur cette instance à ce jour).", "Anonymous visit statistics (no tool is active on this instance today)."),
    ManageCookies => ("Gérer mes cookies", "Manage cookies"),
    Cookies => ("Cookies", "Cookies"),
    WhereData => ("Où vont mes données ?", "Where does my data go?"),
    FactDatabase => ("Base de données", "Database"),
    FactProvider => ("Assistant IA", "AI assistant"),
    FactInEu => ("Fournisseur dans l'Union européenne", "Provider in the European Union"),
    FactSent => ("Ce qui lui est envoyé", "What is sent to it"),
    FactRetention => ("Conservation", "Retention"),
    RetentionNone => ("jusqu'à ce que vous supprimiez vos données", "until you delete your data"),
    Days => ("jours sans activité", "days without activity"),
    Yes => ("oui", "yes"),
    No => ("non", "no"),
    Unknown => ("inconnu (serveur auto-hébergé)", "unknown (self-hosted server)"),
    AcceptTerms => ("J'accepte les conditions d'utilisation.", "I accept the terms of use."),
    TermsLink => ("Conditions", "Terms"),
    PrivacyLink => ("Confidentialité", "Privacy"),
    OrEmail => ("… ou l'adresse e-mail d'une personne", "… or a person's email address"),
    ShareMode => ("Type de partage", "Kind of share"),
    ShareModeSnapshotHint => ("la conversation telle qu'elle est", "the conversation as it is now"),
    ShareModeLiveHint => ("suit la conversation quand elle continue", "follows the conversation as it goes on"),
    ShareExpiry => ("Expire dans (jours)", "Expires in (days)"),
    PreviewTitle => ("Aperçu : données personnelles repérées", "Preview: personal data found"),
    PreviewNone => ("Aucune donnée personnelle repérée.", "No personal data found."),
    Redact => ("Masquer", "Redact"),
    Redacted => ("Masqué", "Redacted"),
    ShareSubmit => ("Partager", "Share"),
    Views => ("vues", "views"),
    Resnapshot => ("Mettre à jour l'instantané", "Update the snapshot"),
    SwitchToLive => ("Passer en direct", "Switch to live"),
    SwitchToSnapshot => ("Passer en instantané", "Switch to snapshot"),
    NoShares => ("Vous n'avez rien partagé.", "You have not shared anything."),
    EmptyConversation => (
        "Posez une question sur votre CV, une lettre de motivation, un entretien ou vos démarches.",
        "Ask about your CV, a cover letter, an interview or your job-search steps."
    ),
}

/// The message for one refused field, in the interface language (falls back to the server's text).
pub fn field_message(locale: Locale, field: &str, code: &str, server: &str) -> String {
    let fr_en = match (field, code) {
        (_, "invalid_email") => (
            "Saisissez une adresse e-mail valide.",
            "Enter a valid email address.",
        ),
        (_, "too_common") => (
            "Ce mot de passe est trop courant ; choisissez-en un autre.",
            "This password is too common; choose another one.",
        ),
        ("password" | "new_password", "too_short") => ("Au moins 8 caractères.", "At least 8 characters."),
        ("password" | "new_password", "too_long") => ("Au plus 128 caractères.", "At most 128 characters."),
        ("display_name", "too_long") => ("Au plus 80 caractères.", "At most 80 characters."),
        ("accept_terms", "required") => (
            "Acceptez les conditions d'utilisation pour créer un compte.",
            "Accept the terms of use to create an account.",
        ),
        (_, "required") => ("Ce champ est obligatoire.", "This field is required."),
        (_, "invalid_characters") => (
            "Ce champ contient des caractères non valides.",
            "This field contains invalid characters.",
        ),
        ("password", "incorrect") => ("Mot de passe incorrect.", "Wrong password."),
        ("current_password", "incorrect") => (
            "Le mot de passe actuel est incorrect.",
            "The current password is wrong.",
        ),
        (_, "invalid_length") => ("De 1 à 100 caractères.", "From 1 to 100 characters."),
        (_, "out_of_range") => ("Entre 1 et 365 jours.", "Between 1 and 365 days."),
        _ => return server.to_owned(),
    };
    pick(locale, fr_en).to_owned()
}

/// The message for a whole failed request.
pub fn problem_message(locale: Locale, problem: &Problem) -> String {
    let fr_en = match problem.code {
        ErrorCode::EmailTaken => (
            "Un compte utilise déjà cette adresse.",
            "An account already uses this email.",
        ),
        ErrorCode::InvalidCredentials => ("E-mail ou mot de passe incorrect.", "Wrong email or password."),
        ErrorCode::RateLimited => (
            "Trop de tentatives. Réessayez dans une minute.",
            "Too many attempts. Try again in a minute.",
        ),
        ErrorCode::ValidationFailed => ("Certains champs sont à corriger.", "Some fields need fixing."),
        ErrorCode::ReplyInProgress => (
            "JobBot répond déjà dans cette conversation.",
            "JobBot is already answering in this conversation.",
        ),
        ErrorCode::QuotaExceeded => (
            "Vous avez atteint votre quota du jour. Il sera renouvelé à minuit (UTC).",
            "You have reached today's quota. It renews at midnight (UTC).",
        ),
        ErrorCode::LlmUnavailable => (
            "L'assistant est indisponible pour le moment. Votre question est enregistrée.",
            "The assistant is unavailable right now. Your question is saved.",
        ),
        ErrorCode::LlmRateLimited => (
            "L'assistant est très sollicité. Réessayez dans un instant.",
            "The assistant is busy. Try again in a moment.",
        ),
        ErrorCode::LlmTimeout => (
            "L'assistant a mis trop de temps à répondre. Ce qui a été écrit est conservé.",
            "The assistant took too long. What was written is kept.",
        ),
        ErrorCode::LlmRejected => (
            "L'assistant a refusé la demande.",
            "The assistant refused the request.",
        ),
        ErrorCode::Blocked => (
            "Cette personne n'accepte pas vos messages.",
            "This person does not accept your messages.",
        ),
        ErrorCode::ShareGone => (
            "Ce partage a été révoqué ou a expiré.",
            "This share was revoked or has expired.",
        ),
        ErrorCode::NotFound => ("Introuvable.", "Not found."),
        ErrorCode::Admin2faRequired => (
            "Les administrateurs doivent activer la connexion en deux étapes.",
            "Administrators must turn on two-step sign-in.",
        ),
        ErrorCode::InvalidOtp => ("Code incorrect ou déjà utilisé.", "Wrong or already used code."),
        ErrorCode::AccountDisabled => (
            "Ce compte a été désactivé par un administrateur.",
            "This account was disabled by an administrator.",
        ),
        ErrorCode::NetworkError => (
            "Le serveur ne répond pas. Vérifiez votre connexion.",
            "The server does not answer. Check your connection.",
        ),
        ErrorCode::Unauthenticated | ErrorCode::SessionRevoked | ErrorCode::TokenExpired => (
            "Votre session a expiré. Reconnectez-vous.",
            "Your session has ended. Please log in again.",
        ),
        ErrorCode::CsrfFailed => (
            "Session incohérente. Rechargez la page.",
            "Session mismatch. Reload the page.",
        ),
        ErrorCode::DatabaseUnavailable | ErrorCode::ServiceUnavailable => (
            "Service momentanément indisponible.",
            "Service temporarily unavailable.",
        ),
        ErrorCode::AssistantBusy => (
            "Plusieurs réponses sont déjà en cours. Réessayez dans quelques secondes.",
            "Several answers are already being written. Try again in a few seconds.",
        ),
        ErrorCode::TooManyConnections => (
            "Trop d'onglets ou d'appareils sont connectés en temps réel. Fermez-en un.",
            "Too many tabs or devices are connected in real time. Close one.",
        ),
        _ => return problem.detail.clone().unwrap_or_else(|| problem.title.clone()),
    };
    pick(locale, fr_en).to_owned()
}

fn pick(locale: Locale, (fr, en): (&'static str, &'static str)) -> &'static str {
    match locale {
        Locale::Fr => fr,
        Locale::En => en,
    }
}

/// A date as `2026-11-22` (ISO 8601, read the same in French and English), written by hand: chrono's
/// strftime formatter would add its whole pattern interpreter to the bundle for this one shape.
pub fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Datelike;
    let date = at.date_naive();
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}
