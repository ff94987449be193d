//! `.into_view_any()`: Leptos' `.into_any()` without the asynchronous hydration code.
//!
//! Type-erasing a view with `.into_any()` keeps a pointer to every way the view can be
//! rendered, `hydrate_async` among them: an `async` twin of each view's hydration that
//! only lazily loaded content awaiting its own code would need. Nothing in our pages
//! does (a lazy route's page is complete once its chunk has run), yet those twins were
//! the largest single kind of code in the wasm (twiggy: 13 % of all code, more than three
//! times the synchronous hydration itself). `SyncHydrated` below erases the same view with the
//! default `hydrate_async`, which hydrates synchronously, so the twins are never built.

use leptos::prelude::*;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};
use std::future::Future;

/// `.into_view_any()` on any view: see the module's comment.
pub trait IntoViewAny {
    fn into_view_any(self) -> AnyView;
}

impl<V: RenderHtml + 'static> IntoViewAny for V {
    // The one place `.into_any()` is meant (clippy.toml disallows it elsewhere).
    #[allow(clippy::disallowed_methods)]
    fn into_view_any(self) -> AnyView {
        SyncHydrated(self).into_any()
    }
}

/// A view that hydrates synchronously even when asked to hydrate asynchronously; in
/// every other way the view it wraps.
pub struct SyncHydrated<V>(V);

impl<V: Render> Render for SyncHydrated<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<V: AddAnyAttr> AddAnyAttr for SyncHydrated<V> {
    type Output<SomeNewAttr: Attribute> = SyncHydrated<V::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        SyncHydrated(self.0.add_any_attr(attr))
    }
}

impl<V: RenderHtml> RenderHtml for SyncHydrated<V> {
    type AsyncOutput = SyncHydrated<V::AsyncOutput>;
    type Owned = SyncHydrated<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    fn resolve(self) -> impl Future<Output = Self::AsyncOutput> + Send {
        let resolving = self.0.resolve();
        async move { SyncHydrated(resolving.await) }
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        )
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    // `hydrate_async` is the trait's default: `self.hydrate::<true>(…)` in an `async`
    // block. That is the point of this type.

    fn into_owned(self) -> Self::Owned {
        SyncHydrated(self.0.into_owned())
    }
}
