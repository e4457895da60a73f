// The charts' colours for the OS's light or dark setting: Plotly draws its own background, grid
// and text, so the page's CSS cannot reach them. useColorScheme follows the setting as it changes.
import { useEffect, useState } from 'react';

export interface ChartTheme {
  scheme: 'light' | 'dark';
  background: string;
  text: string;
  muted: string;
  grid: string;
}

export const CHART_THEMES: Record<ChartTheme['scheme'], ChartTheme> = {
  light: {
    scheme: 'light',
    background: '#ffffff',
    text: '#1d2330',
    muted: '#5d6675',
    grid: '#e6e8eb',
  },
  dark: {
    scheme: 'dark',
    background: '#1d2128',
    text: '#e3e6eb',
    muted: '#a1a9b5',
    grid: '#343a44',
  },
};

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function useChartTheme(): ChartTheme {
  const [dark, setDark] = useState(() => window.matchMedia(DARK_QUERY).matches);
  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY);
    const follow = () => setDark(query.matches);
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  return CHART_THEMES[dark ? 'dark' : 'light'];
}
