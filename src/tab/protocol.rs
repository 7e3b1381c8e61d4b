//! The numbering shared with JavaScript (docs/design.md section 2): the façade's methods, what the
//! browser reports, the effects it carries out and the log messages. Each enum is numbered in
//! declaration order; `src/package/front.js` (`METHODS`) and `src/web/browser.js` (the report and
//! effect constants, `MESSAGES`) list the same names in the same order, and `tests/protocol.rs`
//! fails when they differ. The `NAMES` are for that test only and never reach the wasm.

/// Declares a numbered enum, `from(n)` and the names in order.
macro_rules! numbered {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            pub const NAMES: &'static [&'static str] = &[$(stringify!($variant),)*];
            const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The variant numbered `n`, if any.
            pub fn from(n: u32) -> Option<$name> {
                Self::ALL.get(n as usize).copied()
            }
        }
    };
}

numbered!(
    /// The methods of `appboy`, as `front.js`'s `METHODS` names them.
    Method {
        Initialize,
        OpenSession,
        ChangeUser,
        RequestImmediateDataFlush,
        GetDeviceId,
        GetUserId,
        GetSessionId,
        SubscribeToSessionUpdates,
        RemoveSubscription,
        ToggleLogging,
        SetLogger,
        WipeData,
        Destroy,
        DisableSdk,
        EnableSdk,
        IsDisabled,
        SetSdkAuthenticationSignature,
        SubscribeToSdkAuthenticationFailures,
        IsInitialized,
        Logout,
    }
);

numbered!(
    /// What `browser.js` reports, numbered after the methods (`REPORTS` in browser.js).
    ReportKind {
        /// visibilitychange to hidden.
        Hidden,
        /// visibilitychange to visible, or pageshow from the back/forward cache.
        Shown,
        /// pointerdown, keydown or scroll.
        Interaction,
        /// Another tab wrote key `a`, now `b` (absent: removed).
        Storage,
        /// pagehide.
        Left,
        /// The one timer went off.
        Timer,
        /// Request `c` was answered: status `a` (0: no answer), `Retry-After` `b`, body `d`.
        Answer,
        /// A callback of the page threw `a`.
        Threw,
        /// localStorage failed (`a`: "reading" or "writing"); values live in memory from now on.
        StorageFailed,
    }
);

numbered!(
    /// What the browser is told to do (`act` in browser.js).
    EffectKind {
        Store,
        Remove,
        Cookie,
        Fetch,
        Beacon,
        Abort,
        Timer,
        Listen,
        Call,
        Forget,
        Log,
    }
);

numbered!(
    /// What the SDK logs; the texts, with their console level, are `MESSAGES` in browser.js.
    Message {
        /// The data endpoint's URL.
        Initialized,
        /// A stored value's name and why it cannot be trusted.
        Discarding,
        /// Whether reading or writing failed.
        StorageFailed,
        /// The option's name.
        UnknownOption,
        OptionsNotObject,
        TimeoutRaised,
        TimeoutNotNumber,
        BaseUrlNotString,
        FlushIntervalInvalid,
        /// How many.
        OutboxFull,
        /// The address, and the answer's status.
        SendFailed,
        /// How many.
        BatchRefused,
        LoggingEnabled,
        /// The method's number (browser.js names it); shown even with logging off, once a page.
        NotInitialized,
        InitializedAgain,
        /// Shown even with logging off: without a key nothing else can work.
        NoApiKey,
        BadUserId,
        SubscriberNotFunction,
        /// The subscription's id.
        NoSubscription,
        LoggerNotFunction,
        FlushCallbackNotFunction,
        /// What it threw; shown even with logging off: the page's own code failed.
        CallbackThrew,
        Disabled,
        /// The endpoint's reason or code.
        SignatureRefused,
        AuthSubscriberNotFunction,
        /// The user agent: a crawler's activity is not tracked (`allowCrawlerActivity`).
        Crawler,
        BadDeviceId,
        CookieExpiryInvalid,
        /// The option's value; shown even with logging off: `initialize` refused it.
        BaseUrlInvalid,
        /// The address (`SendFailed` names the status).
        SendFailedNetwork,
        /// The address.
        SendFailedNoAnswer,
    }
);

impl Message {
    /// Shown even when logging is off.
    pub fn always(self) -> bool {
        matches!(self, Message::NoApiKey | Message::CallbackThrew | Message::NotInitialized | Message::BaseUrlInvalid)
    }
}
