// Client-side routes under /dashboard/ (the server answers index.html for every such path, so a
// reload or a shared link opens the same view).
import { useEffect, useState } from 'preact/hooks';

const BASE = '/dashboard';

/** The current route: the path after /dashboard, e.g. '/collections/c'. */
export function currentRoute() {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
  return p === '' ? '/' : p;
}

export function navigate(route) {
  history.pushState(null, '', BASE + route);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return route;
}

/** Props for an <a> that navigates without reloading the page. */
export function link(route) {
  return {
    href: BASE + route,
    onClick: (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(route);
    },
  };
}
