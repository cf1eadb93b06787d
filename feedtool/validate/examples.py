"""Minimal bad and good examples for `--explain`, for codes defined without their own.

One line each: the smallest fragment that shows the problem, and the same fragment fixed.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, str]] = {
    # XML and encodings
    "ContainsSystemEntity": (
        '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<rss version="2.0">…</rss>  (no DOCTYPE entities)',
    ),
    "NotUTF8": ('<?xml version="1.0" encoding="iso-8859-1"?>', '<?xml version="1.0" encoding="utf-8"?>'),
    # structure, shared by every format
    "MissingElement": (
        "<channel><link>…</link><description>…</description></channel>",
        "<channel><title>News</title><link>…</link><description>…</description></channel>",
    ),
    "MissingTitle": (
        "<channel><link>…</link></channel>",
        "<channel><title>News</title><link>…</link></channel>",
    ),
    "MissingLink": (
        "<channel><title>News</title></channel>",
        "<channel><title>News</title><link>https://example.com/</link></channel>",
    ),
    "MissingDescription": (
        "<channel><title>News</title><link>…</link></channel>",
        "<channel>…<description>Daily news</description></channel>",
    ),
    "ItemMustContainTitleOrDescription": (
        "<item><link>https://example.com/1</link></item>",
        "<item><title>First</title><link>…</link></item>",
    ),
    "MissingAttribute": (
        '<enclosure url="https://example.com/a.mp3" type="audio/mpeg"/>',
        '<enclosure url="https://example.com/a.mp3" length="12345" type="audio/mpeg"/>',
    ),
    "MissingRecommendedAttribute": (
        '<sx:history sequence="1" by="ann"/>',
        '<sx:history sequence="1" by="ann" when="2024-05-01T12:00:00Z"/>',
    ),
    "DuplicateElement": ("<item><title>A</title><title>B</title></item>", "<item><title>A</title></item>"),
    "DuplicateValue": (
        '<sx:sync id="a" …/> … <sx:sync id="a" …/>',
        '<sx:sync id="a" …/> … <sx:sync id="b" …/>',
    ),
    "UndefinedElement": ("<item><pubdate>…</pubdate></item>", "<item><pubDate>…</pubDate></item>"),
    "UnexpectedAttribute": ('<title mode="escaped">Hi</title>', "<title>Hi</title>"),
    "UnexpectedText": ("<entry>stray words<title>Hi</title></entry>", "<entry><title>Hi</title></entry>"),
    "NotBlank": ("<title></title>", "<title>Hello</title>"),
    "AttrNotBlank": (
        '<link rel="related" title="" href="…"/>',
        '<link rel="related" title="More" href="…"/>',
    ),
    "AtomLinkNotEmpty": (
        '<link href="https://example.com/">Home</link>',
        '<link href="https://example.com/"/>',
    ),
    "ContainsHTML": ("<title>&lt;b&gt;Big&lt;/b&gt; news</title>", "<title>Big news</title>"),
    "CharacterData": ("<title>Q&amp;amp;A</title>", "<title>Q&amp;A</title>"),
    "ContainsRelRef": (
        '<description>&lt;img src="/pic.png"&gt;</description>',
        '<description>&lt;img src="https://example.com/pic.png"&gt;</description>',
    ),
    "NoBlink": (
        "<description>&lt;blink&gt;Sale&lt;/blink&gt;</description>",
        "<description>&lt;strong&gt;Sale&lt;/strong&gt;</description>",
    ),
    "UndeterminableVocabulary": (
        "<rdf:Description>…</rdf:Description> (no namespace)",
        '<dc:subject xmlns:dc="http://purl.org/dc/elements/1.1/">…</dc:subject>',
    ),
    "ReservedPrefix": ('xmlns:dc="http://example.com/my-ns"', 'xmlns:my="http://example.com/my-ns"'),
    "ObsoleteWikiNamespace": (
        'xmlns:wiki="http://purl.org/rss/1.0/modules/wiki/"',
        'xmlns:wiki="http://www.usemod.com/cgi-bin/mb.pl?ModWiki"',
    ),
    "InvalidNamespace": (
        '<feed xmlns="http://www.w3.org/2005/atom">',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
    ),
    "ObsoleteNamespace": (
        '<feed xmlns="http://purl.org/atom/ns#" version="0.3">',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
    ),
    "MediaRssNamespace": (
        'xmlns:media="http://search.yahoo.com/mrss"',
        'xmlns:media="http://search.yahoo.com/mrss/"',
    ),
    # values
    "InvalidRFC2822Date": (
        "<pubDate>2024-05-01</pubDate>",
        "<pubDate>Wed, 01 May 2024 12:00:00 GMT</pubDate>",
    ),
    "ProblematicalRFC822Date": (
        "<pubDate>Wed, 01 May 24 12:00 EST</pubDate>",
        "<pubDate>Wed, 01 May 2024 12:00:00 -0500</pubDate>",
    ),
    "IncorrectDOW": (
        "<pubDate>Mon, 01 May 2024 12:00:00 GMT</pubDate>",
        "<pubDate>Wed, 01 May 2024 12:00:00 GMT</pubDate>",
    ),
    "InvalidRFC3339Date": ("<updated>2024-05-01 12:00</updated>", "<updated>2024-05-01T12:00:00Z</updated>"),
    "InvalidW3CDTFDate": ("<dc:date>01/05/2024</dc:date>", "<dc:date>2024-05-01T12:00:00Z</dc:date>"),
    "InvalidISO8601DateTime": (
        "<media:valid>May 2024</media:valid>",
        "<media:valid>2024-05-01</media:valid>",
    ),
    "ImplausibleDate": ("<updated>2999-01-01T00:00:00Z</updated>", "<updated>2024-05-01T12:00:00Z</updated>"),
    "SlashDate": ("<dc:date>2024/05/01</dc:date>", "<dc:date>2024-05-01</dc:date>"),
    "InvalidFullLink": ("<id>/posts/1</id>", "<id>https://example.com/posts/1</id>"),
    "InvalidUriChar": ('<link href="https://example.com/a b"/>', '<link href="https://example.com/a%20b"/>'),
    "UriNotIri": ("<link>https://example.com/café</link>", "<link>https://example.com/caf%C3%A9</link>"),
    "InvalidURLAttribute": (
        '<enclosure url="a b.mp3" …/>',
        '<enclosure url="https://example.com/a%20b.mp3" …/>',
    ),
    "InvalidTAG": ("<id>tag:example.com:1</id>", "<id>tag:example.com,2024:1</id>"),
    "SchemeNotIANARegistered": ("<link>htp://example.com/</link>", "<link>https://example.com/</link>"),
    "InvalidHttpGUID": (
        '<guid isPermaLink="true">post-1</guid>',
        '<guid isPermaLink="true">https://example.com/post-1</guid>',
    ),
    "InvalidPermalink": (
        '<guid isPermaLink="true">urn:uuid:…</guid>',
        '<guid isPermaLink="false">urn:uuid:…</guid>',
    ),
    "NotSufficientlyUnique": ("<guid>1</guid>", '<guid isPermaLink="false">example.com-2024-post-1</guid>'),
    "InvalidContact": ("<author>Ann</author>", "<author>ann@example.com (Ann)</author>"),
    "InvalidAddrSpec": ("<email>ann at example.com</email>", "<email>ann@example.com</email>"),
    "EmailFormat": (
        "<managingEditor>Ann &lt;ann@example.com&gt;</managingEditor>",
        "<managingEditor>ann@example.com (Ann)</managingEditor>",
    ),
    "MissingRealName": ("<author>ann@example.com</author>", "<author>ann@example.com (Ann)</author>"),
    "InvalidLanguage": ("<language>english</language>", "<language>en-us</language>"),
    "InvalidMIMEType": ('<content type="html-text">…</content>', '<content type="text/plain">…</content>'),
    "InvalidMIMEAttribute": ('<enclosure type="mp3" …/>', '<enclosure type="audio/mpeg" …/>'),
    "InvalidInteger": ("<ttl>one hour</ttl>", "<ttl>60</ttl>"),
    "InvalidIntegerAttribute": ('<enclosure length="12 KB" …/>', '<enclosure length="12288" …/>'),
    "InvalidPositiveInteger": ('<sx:sync id="a" updates="0">', '<sx:sync id="a" updates="1">'),
    "InvalidNonNegativeInteger": (
        '<link rel="enclosure" length="-1" …/>',
        '<link rel="enclosure" length="4096" …/>',
    ),
    "UseZeroForUnknown": ('<enclosure length="-1" …/>', '<enclosure length="0" …/>'),
    "IntegerOverflow": ('updates="2147483648"', 'updates="2147483647"'),
    "InvalidBooleanAttribute": ('<guid isPermaLink="yes">…</guid>', '<guid isPermaLink="false">…</guid>'),
    "InvalidTrueFalse": ('<sx:sync … deleted="TRUE">', '<sx:sync … deleted="true">'),
    "InvalidYesNo": ("<itunes:explicit>maybe</itunes:explicit>", "<itunes:explicit>no</itunes:explicit>"),
    "InvalidYesNoClean": (
        "<itunes:explicit>maybe</itunes:explicit>",
        "<itunes:explicit>clean</itunes:explicit>",
    ),
    "InvalidHour": ("<skipHours><hour>24</hour></skipHours>", "<skipHours><hour>0</hour></skipHours>"),
    "UseZeroForMidnight": ("<hour>24</hour>", "<hour>0</hour>"),
    "InvalidDay": ("<skipDays><day>Sun</day></skipDays>", "<skipDays><day>Sunday</day></skipDays>"),
    "InvalidHeight": ("<image>…<height>500</height></image>", "<image>…<height>100</height></image>"),
    "InvalidWidth": ("<image>…<width>500</width></image>", "<image>…<width>88</width></image>"),
    "InvalidFloat": ("<itunes:duration>1,5</itunes:duration>", "<itunes:duration>90</itunes:duration>"),
    "InvalidDuration": (
        "<itunes:duration>1 hour</itunes:duration>",
        "<itunes:duration>01:00:00</itunes:duration>",
    ),
    "InvalidLatitude": ("<geo:lat>95.0</geo:lat>", "<geo:lat>45.5</geo:lat>"),
    "InvalidLongitude": ("<geo:long>200</geo:long>", "<geo:long>-122.6</geo:long>"),
    "InvalidCountryCode": (
        '<media:restriction type="country">UK</media:restriction>',
        '<media:restriction type="country">GB</media:restriction>',
    ),
    "InvalidCommaSeparatedIntegers": ("<thr:total>1;2</thr:total>", "<thr:total>12</thr:total>"),
    "InvalidUpdatePeriod": (
        "<sy:updatePeriod>every hour</sy:updatePeriod>",
        "<sy:updatePeriod>hourly</sy:updatePeriod>",
    ),
    "InvalidRSSVersion": ('<rss version="3.0">', '<rss version="2.0">'),
    "InvalidDoctype": (
        '<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.92//EN" …>',
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" …>',
    ),
    "DeprecatedDTD": (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" …>',
        '<rss version="2.0"> (no DOCTYPE)',
    ),
    "InvalidRDF": (
        "<rdf:RDF><channel>…</channel></rdf:RDF> (RSS 1.0 namespace missing)",
        '<rdf:RDF xmlns="http://purl.org/rss/1.0/"><channel rdf:about="…">…</channel></rdf:RDF>',
    ),
    "TooLong": (
        "<itunes:subtitle>… 300 characters …</itunes:subtitle>",
        "<itunes:subtitle>A short line</itunes:subtitle>",
    ),
    # RSS advice
    "MissingGuid": (
        "<item><title>A</title><link>…</link></item>",
        '<item><title>A</title><link>…</link><guid isPermaLink="true">https://example.com/a</guid></item>',
    ),
    "MissingAtomSelfLink": (
        "<channel><title>…</title>…</channel>",
        '<channel><atom:link rel="self" type="application/rss+xml" href="https://example.com/rss.xml"/>…',
    ),
    "MisplacedItem": (
        "<channel><item>…</item><title>…</title></channel>",
        "<channel><title>…</title><item>…</item></channel>",
    ),
    "AvoidTextInput": ("<textInput>…</textInput>", "(remove textInput)"),
    "NeedDescriptionBeforeContent": (
        "<item><content:encoded>…</content:encoded></item>",
        "<item><description>…</description><content:encoded>…</content:encoded></item>",
    ),
    "DuplicateSemantics": (
        "<item><author>…</author><dc:creator>…</dc:creator></item>",
        "<item><dc:creator>…</dc:creator></item>",
    ),
    "DuplicateItemSemantics": (
        "<item><pubDate>…</pubDate><dc:date>…</dc:date></item>",
        "<item><pubDate>…</pubDate></item>",
    ),
    "DuplicateDescriptionSemantics": (
        "<item><description>x</description><dc:description>x</dc:description></item>",
        "<item><description>x</description></item>",
    ),
    "DuplicateEnclosure": ("<item><enclosure …/><enclosure …/></item>", "<item><enclosure …/></item>"),
    "ImageLinkDoesntMatch": (
        "<channel><link>https://a.com/</link><image><link>https://b.com/</link>…",
        "<channel><link>https://a.com/</link><image><link>https://a.com/</link>…",
    ),
    "ImageTitleDoesntMatch": (
        "<channel><title>News</title><image><title>Logo</title>…",
        "<channel><title>News</title><image><title>News</title>…",
    ),
    "ImageUrlFormat": (
        "<image><url>https://example.com/logo.bmp</url>…",
        "<image><url>https://example.com/logo.png</url>…",
    ),
    "CommentRSS": (
        "<wfw:commentRss>comments.xml</wfw:commentRss>",
        "<wfw:commentRss>https://example.com/comments.xml</wfw:commentRss>",
    ),
    # Atom
    "MissingSelf": (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>…</title>…',
        '<feed …><link rel="self" href="https://example.com/feed.xml"/>…',
    ),
    "SelfDoesntMatchLocation": (
        'served at https://example.com/feed.xml: <link rel="self" href="https://old.example.com/feed.xml"/>',
        'served at https://example.com/feed.xml: <link rel="self" href="https://example.com/feed.xml"/>',
    ),
    "MissingSourceElement": (
        '<source><link rel="self" href="…"/></source>',
        "<source><id>…</id><title>…</title><updated>…</updated></source>",
    ),
    "FeedHistoryRelInEntry": (
        '<entry>…<link rel="next" href="page2.xml"/></entry>',
        '<feed>…<link rel="next" href="page2.xml"/>…</feed>',
    ),
    "DuplicateEntries": (
        "<entry><id>urn:x:1</id><updated>T</updated>…</entry> twice",
        "one <entry> per id and updated date",
    ),
    "DuplicateIds": ("ten <entry> elements, all <id>urn:x:1</id>", "<id>urn:x:1</id>, <id>urn:x:2</id>, …"),
    "DuplicateUpdated": (
        "<updated>2024-05-01T12:00:00Z</updated> on every entry",
        "each entry's own <updated> time",
    ),
    "NotBase64": (
        '<content type="image/png">not base64</content>',
        '<content type="image/png">iVBORw0KGgo=</content>',
    ),
    "UnexpectedWhitespace": ("<id> urn:x:1 </id>", "<id>urn:x:1</id>"),
    "ArchiveIncomplete": (
        "<fh:archive/>",
        '<fh:archive/><link rel="prev-archive" href="https://example.com/2023.xml"/>',
    ),
    "CurrentNotSelfInCompleteFeed": (
        '<fh:complete/><link rel="current" href="https://example.com/other.xml"/>',
        '<fh:complete/><link rel="current" href="https://example.com/feed.xml"/>',
    ),
    "LinkPastEnd": (
        '<link rel="self" href="p9.xml"/><link rel="last" href="p9.xml"/><link rel="next" href="p10.xml"/>',
        '<link rel="self" href="p9.xml"/><link rel="last" href="p9.xml"/>',
    ),
    # extensions
    "InvalidAccessRestrictionRel": (
        '<access:restriction relationship="maybe"/>',
        '<access:restriction relationship="deny"/>',
    ),
    "InvalidCreditRole": (
        '<media:credit role="boss">Ann</media:credit>',
        '<media:credit role="producer">Ann</media:credit>',
    ),
    "InvalidItunesCategory": ('<itunes:category text="Cats"/>', '<itunes:category text="Leisure"/>'),
    "ObsoleteItunesCategory": (
        '<itunes:category text="Technology"><itunes:category text="Podcasting"/>…',
        '<itunes:category text="Technology"/>',
    ),
    "InvalidItunesChannelType": ("<itunes:type>weekly</itunes:type>", "<itunes:type>episodic</itunes:type>"),
    "InvalidItunesEpisodeType": (
        "<itunes:episodeType>extra</itunes:episodeType>",
        "<itunes:episodeType>bonus</itunes:episodeType>",
    ),
    "InvalidKeywords": (
        "<itunes:keywords>cats dogs birds</itunes:keywords>",
        "<itunes:keywords>cats,dogs,birds</itunes:keywords>",
    ),
    "MissingItunesElement": (
        "<channel>… no itunes:explicit …</channel>",
        "<itunes:explicit>false</itunes:explicit>",
    ),
    "MissingItunesEmail": (
        "<itunes:owner><itunes:name>Ann</itunes:name></itunes:owner>",
        "<itunes:owner><itunes:name>Ann</itunes:name><itunes:email>ann@example.com</itunes:email></itunes:owner>",
    ),
    "InvalidMediaExpression": (
        '<media:content expression="preview" …/>',
        '<media:content expression="sample" …/>',
    ),
    "InvalidMediaHash": (
        '<media:hash algo="md5">xyz</media:hash>',
        '<media:hash algo="md5">dfdec888b72151965a34b4b59031290a</media:hash>',
    ),
    "InvalidMediaMedium": ('<media:content medium="movie" …/>', '<media:content medium="video" …/>'),
    "InvalidMediaRating": (
        '<media:rating scheme="urn:mpaa">xx</media:rating>',
        '<media:rating scheme="urn:mpaa">pg</media:rating>',
    ),
    "InvalidMediaRestriction": (
        '<media:restriction type="country">UK US</media:restriction>',
        '<media:restriction type="country">GB US</media:restriction>',
    ),
    "InvalidMediaRestrictionRel": (
        '<media:restriction relationship="block" …>',
        '<media:restriction relationship="deny" …>',
    ),
    "InvalidMediaRestrictionType": (
        '<media:restriction type="region" …>',
        '<media:restriction type="country" …>',
    ),
    "InvalidMediaTextType": (
        '<media:title type="rich">…</media:title>',
        '<media:title type="html">…</media:title>',
    ),
    "InvalidNPTTime": ('<media:thumbnail time="1 minute" …/>', '<media:thumbnail time="00:01:00.000" …/>'),
    "MediaGroupWithoutAlternatives": (
        "<media:group><media:content …/></media:group>",
        "<media:group><media:content …/><media:content …/></media:group>",
    ),
}
