//! The terms of use and the privacy notice, in French and English.

use jobbot_domain::legal::{PRIVACY_POLICY_VERSION, TERMS_VERSION};
use jobbot_domain::Locale;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::state::AppState;

#[component]
pub fn TermsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <article class="card legal" data-testid="terms">
            {move || match state.locale.get() {
                Locale::Fr => view! {
                    <h1>"Conditions d'utilisation"</h1>
                    <p class="muted">"Version " {TERMS_VERSION}</p>
                    <h2>"Le service"</h2>
                    <p>"JobBot aide les candidats à préparer leur recherche d'emploi : un assistant (Mistral, ou des guides hors ligne), le suivi de conversations et le partage de conversations avec d'autres utilisateurs."</p>
                    <h2>"Votre compte"</h2>
                    <p>"Vous êtes responsable de votre mot de passe et des jetons d'accès que vous créez. Vous pouvez modifier vos informations, exporter vos données et supprimer votre compte à tout moment depuis « Mon compte »."</p>
                    <h2>"Les réponses de l'assistant"</h2>
                    <p>"Les réponses sont des conseils généraux : elles peuvent être incomplètes ou inexactes. Vérifiez les règles qui vous concernent auprès de France Travail ou de service-public.fr."</p>
                    <h2>"Le partage"</h2>
                    <p>"Ce que vous partagez est visible par la personne de la discussion jusqu'à son expiration ou sa révocation. Relisez l'aperçu et masquez vos données personnelles avant de partager."</p>
                    <h2>"Usage acceptable"</h2>
                    <p>"Pas de harcèlement, de contenu illicite ni d'usage automatisé abusif. Vous pouvez bloquer une personne à tout moment."</p>
                    <p><A href="/legal/privacy">"Politique de confidentialité"</A></p>
                }.into_any(),
                Locale::En => view! {
                    <h1>"Terms of use"</h1>
                    <p class="muted">"Version " {TERMS_VERSION}</p>
                    <h2>"The service"</h2>
                    <p>"JobBot helps candidates prepare their job search: an assistant (Mistral, or offline guides), saved conversations, and sharing conversations with other users."</p>
                    <h2>"Your account"</h2>
                    <p>"You are responsible for your password and the access tokens you create. You can edit your details, export your data and delete your account at any time from “My account”."</p>
                    <h2>"The assistant's answers"</h2>
                    <p>"Answers are general advice: they may be incomplete or wrong. Check the rules that apply to you with France Travail or service-public.fr."</p>
                    <h2>"Sharing"</h2>
                    <p>"What you share is visible to the person in the chat until it expires or you revoke it. Review the preview and redact your personal data before sharing."</p>
                    <h2>"Acceptable use"</h2>
                    <p>"No harassment, unlawful content or abusive automated use. You can block someone at any time."</p>
                    <p><A href="/legal/privacy">"Privacy notice"</A></p>
                }.into_any(),
            }}
        </article>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <article class="card legal" data-testid="privacy">
            {move || match state.locale.get() {
                Locale::Fr => view! {
                    <h1>"Politique de confidentialité"</h1>
                    <p class="muted">"Version " {PRIVACY_POLICY_VERSION}</p>
                    <h2>"Ce que nous conservons"</h2>
                    <p>"Votre compte (adresse e-mail, nom affiché, langue, mot de passe chiffré avec argon2id), vos sessions et jetons, vos conversations avec l'assistant, vos messages et partages, les offres que vous ajoutez ou suivez, vos recherches enregistrées et leurs alertes, votre profil et votre CV (le fichier PDF et son texte), vos candidatures et leurs documents, et vos choix de cookies."</p>
                    <h2>"Pourquoi"</h2>
                    <p>"Pour fournir le service (exécution du contrat). Aucune donnée n'est vendue ni utilisée pour de la publicité."</p>
                    <h2>"L'assistant"</h2>
                    <p>"Quand une IA est connectée, la conversation en cours (votre question et l'historique récent) est envoyée au fournisseur configuré, avec, pour une conversation sur une offre ou une candidature, les éléments que vous avez choisi d'envoyer, montrés avant votre première question ; rien d'autre. La page « Où vont mes données ? » indique lequel, et s'il est dans l'Union européenne."</p>
                    <h2>"Cookies"</h2>
                    <p>"Les cookies strictement nécessaires (session, protection CSRF, votre choix de cookies) sont toujours actifs. Les préférences et la mesure d'audience ne sont utilisées qu'avec votre accord, modifiable à tout moment."</p>
                    <h2>"Vos droits"</h2>
                    <p>"Accès et portabilité (export de toutes vos données), rectification, effacement (suppression du compte), opposition. Vous pouvez saisir la CNIL."</p>
                    <p><A href="/privacy">"Où vont mes données ?"</A></p>
                }.into_any(),
                Locale::En => view! {
                    <h1>"Privacy notice"</h1>
                    <p class="muted">"Version " {PRIVACY_POLICY_VERSION}</p>
                    <h2>"What we keep"</h2>
                    <p>"Your account (email address, display name, language, password hashed with argon2id), your sessions and tokens, your conversations with the assistant, your messages and shares, the offers you add or save, your saved searches and their alerts, your profile and your CV (the PDF file and its text), your applications and their documents, and your cookie choices."</p>
                    <h2>"Why"</h2>
                    <p>"To provide the service (performance of the contract). No data is sold or used for advertising."</p>
                    <h2>"The assistant"</h2>
                    <p>"When an AI is connected, the current conversation (your question and recent history) is sent to the configured provider, with, for a conversation about an offer or an application, the parts you chose to send, shown before your first question; nothing else. The “Where does my data go?” page says which, and whether it is in the European Union."</p>
                    <h2>"Cookies"</h2>
                    <p>"Strictly necessary cookies (session, CSRF protection, your cookie choice) are always on. Preferences and audience measurement are used only with your consent, which you can change at any time."</p>
                    <h2>"Your rights"</h2>
                    <p>"Access and portability (export of all your data), rectification, erasure (account deletion), objection. You may complain to the CNIL."</p>
                    <p><A href="/privacy">"Where does my data go?"</A></p>
                }.into_any(),
            }}
        </article>
    }
}
