/**
 * Walking a listing a page at a time: each page is handed to the caller and
 * let go before the next is asked for, so memory holds one page whatever the
 * service sends. A listing stops when no NextToken comes, at a NextToken seen
 * before (a service that repeats one would page for ever), or after MAX_PAGES;
 * the last two mean the listing is broken, and callers say so rather than read
 * "nothing found" into it. No page is asked for after the deadline: the
 * exchange refuses to send it (net/exchange.ts).
 */
import type { Page } from './client.js'

/** Listings stop after this many pages, whatever NextToken says. */
const MAX_PAGES = 50

/** How a listing ended: read whole, or cut short by a broken NextToken. */
type ListingEnd = 'complete' | 'repeated-token' | 'too-many-pages'

interface Listing {
  end: ListingEnd
  pages: number
}

export async function eachPage<T>(
  fetch: (nextToken?: string) => Promise<Page<T>>,
  visit: (items: T[]) => void,
  maxPages = MAX_PAGES
): Promise<Listing> {
  const tokens = new Set<string>()
  let nextToken: string | undefined
  for (let pages = 1; ; pages++) {
    const page = await fetch(nextToken)
    visit(page.items)
    nextToken = page.nextToken
    if (!nextToken) return { end: 'complete', pages }
    if (tokens.has(nextToken)) return { end: 'repeated-token', pages }
    if (pages >= Math.min(maxPages, MAX_PAGES)) return { end: 'too-many-pages', pages }
    tokens.add(nextToken)
  }
}

/** Why a listing could not be read whole, in words for an error. */
export function brokenListing(what: string, listing: Listing): string {
  return listing.end === 'repeated-token'
    ? `the listing of ${what} repeated its NextToken after ${listing.pages} page(s), so it could not be read whole`
    : `the listing of ${what} had more than ${MAX_PAGES} pages, so it was not read whole`
}
