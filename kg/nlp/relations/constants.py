"""Tuned numbers of the relation stage, named once (characters of clean text unless said otherwise)."""

#: characters allowed between a trigger and its object (了, 到, 了位于...)
MAX_OBJECT_GAP = 6
#: characters allowed between coordinated mentions (the gap must end with a coordinator)
MAX_COORD_GAP = 8
#: characters allowed before the first partner: 与欧洲第二大酒店集团——法国卢浮酒店集团签约
MAX_PARTNER_GAP = 16
#: characters between a group of coordinated subjects and a joint trigger (A、B共同组建) still read as joint
MAX_JOINT_GAP = 8
#: characters between the place after 在 and its trigger when they end with a venue (在北京国家大剧院举行)
ZAI_VENUE_GAP = 10
#: non-name characters before a trigger searched for a negation word
NEGATION_WINDOW = 8
#: characters after a trigger in which a date of the same clause still dates the tie
DATE_AFTER = 12
#: characters before a person searched for an organisation + title (山东有研…总工程师肖清华)
POSITION_WINDOW = 24
#: characters before a person searched for a local-government title (市委书记田卫东)
LOCAL_TITLE_WINDOW = 12

# confidence factors of how a subject was found
#: the subject is the topic carried from an earlier clause
CARRIED_TOPIC = 0.85
#: the subject was read after the trigger (a later clause or name)
LATE_SUBJECT = 0.75
#: the passive voice swapped the roles
PASSIVE = 0.95
#: coordinated subjects of a joint trigger (A、B共同组建)
JOINT = 0.9
#: 位于X的Y: the subject follows the located place
LOCATED_DE = 0.9
#: 依托X…, S: the subject follows in a later clause
YITUO_LATE = 0.8

#: confidence of a tie read from the setting of a sentence (在X，… Y …) in the same sentence
SETTING_SAME_SENTENCE = 0.7
#: confidence of a site visited on a tour placed in the tour's place, read from the lead (kg.nlp.relations.tour)
TOUR = 0.6
#: confidence of an ``X的Y`` tie (the parent or place written before the unit)
OF_PHRASE = 0.75
#: confidence of a tie read from a name alone (航天科技集团一院 -> 航天科技集团)
FROM_NAME = 0.7
#: confidence of an event held in a place (Y在X举行)
VENUE = 0.85
#: confidence of ties among organisations named together as the subject of a joint act (A、B紧急预拨)
JOINT_ACTION = 0.7
#: confidence of ties among actors of a joint verb (A、B共同主办D) and of their participation in D
JOINT_FOUNDING = 0.8
